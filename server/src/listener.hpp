#pragma once
#include <chrono>
#include <memory>

#include "http_types.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

class TlsCertificate;

// Accepts connections on one endpoint and starts an HTTP session for each,
// on a strand of its own. With a certificate, sessions speak HTTPS, each
// with the certificate in force when it was accepted.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, ServerContext& ctx, const TlsCertificate* tls);
  // Binds; on failure returns the reason.
  std::string open(const tcp::endpoint& ep);
  std::uint16_t port() const;
  void run();
  void close();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  ServerContext& ctx_;
  const TlsCertificate* tls_;  // null: plain HTTP
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  static constexpr std::chrono::milliseconds kFirstBackoff{25};
  std::chrono::milliseconds backoff_ = kFirstBackoff;
};

}  // namespace bloatmeter::server
