#pragma once
// OCSP stapling (docs/operator.md "Certificates"): when the certificate in
// force names an OCSP responder (its Authority Information Access), the
// server asks that responder about the certificate, checks the answer
// (signed by the issuer or its delegate, about this certificate, "good",
// current) and sends it in every TLS handshake whose client asks for it,
// so a browser need not ask the CA itself. Asked again halfway through the
// answer's validity; a responder that fails is asked again in a minute and
// the last good answer is stapled until it expires. A certificate without
// a responder (the server's own self-signed one; Let's Encrypt's since
// 2025) is served as before, without a staple.
//
// The responder is asked on a thread of its own, never on an I/O thread;
// handshakes only copy the answer in force.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http_types.hpp"

typedef struct x509_st X509;

namespace bloatmeter::server {

class OcspStapler {
 public:
  OcspStapler();
  ~OcspStapler();
  OcspStapler(const OcspStapler&) = delete;
  OcspStapler& operator=(const OcspStapler&) = delete;

  // Staples for `context`'s certificate from now on (its handshakes ask
  // this stapler), and asks its responder at once. A context whose
  // certificate names no responder gets no staple.
  void attach(ssl::context& context);

  // The DER answer stapled for `leaf`, if there is a current one.
  std::shared_ptr<const std::string> staple_for(const X509* leaf) const;

  // For the log and tests: "" when no responder, else what the last ask did.
  std::string status() const;

 private:
  struct Subject;  // the certificate, its issuer and responder URL
  void ask(std::shared_ptr<Subject> subject, std::uint64_t generation);
  void schedule(std::shared_ptr<Subject> subject, std::uint64_t generation, std::chrono::seconds after);

  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;          // bumped by attach: older asks stop
  std::shared_ptr<Subject> subject_;      // whose answer is stapled
  std::shared_ptr<const std::string> staple_;
  std::chrono::system_clock::time_point staple_expires_{};
  std::string status_;
  boost::asio::thread_pool thread_{1};
  boost::asio::steady_timer timer_;
};

}  // namespace bloatmeter::server
