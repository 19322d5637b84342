#pragma once
// The certificate HTTPS presents, replaced while the server runs
// (docs/operator.md "Certificates"): on SIGHUP (systemctl reload, certbot's
// deploy hook) and when its files change on disk (a renewal that reloads
// nothing). A pair that does not load, or whose key does not match its
// certificate, is refused with the reason and the one in force stays.
//
// A connection keeps the context it started with: OpenSSL's SSL object
// holds its own reference to the SSL_CTX (SSL_new), and the contexts' one
// callback (the OCSP staple, ocsp_stapler.hpp) asks the stapler, which
// lives as long as this object, so a replaced context may go while its
// connections run and a running test is never dropped by a reload.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "bloatmeter/outcome.hpp"
#include "http_types.hpp"
#include "ocsp_stapler.hpp"
#include "tls_identity.hpp"

namespace bloatmeter::server {

// The context for `files` with Mozilla's "intermediate" settings: TLS 1.2
// and 1.3, forward-secret AEAD ciphers only, X25519/P-256/P-384, the
// client's cipher preference (it knows whether it has AES hardware).
Outcome<std::shared_ptr<ssl::context>> make_tls_context(const TlsFiles& files);

class TlsCertificate {
 public:
  static Outcome<std::unique_ptr<TlsCertificate>> load(TlsFiles files, std::filesystem::path data_dir);

  // What new connections handshake with.
  std::shared_ptr<ssl::context> current() const;

  struct Reload {
    bool replaced = false;
    std::string message;  // what happened, for the log ("" when nothing did)
  };
  // SIGHUP: the files again, changed or not.
  Reload reload();
  // The periodic look: the files again when one changed (modification
  // time, size or the file a symlink names), and the server's own
  // self-signed certificate renewed when it expires within 30 days.
  Reload check();

  // "CN=example.net, expires 2027-03-01" of the certificate in force.
  std::string describe() const;
  // What OCSP stapling does for it ("" when the certificate names no responder).
  std::string stapling() const { return stapler_.status(); }

 private:
  TlsCertificate(TlsFiles files, std::filesystem::path data_dir, std::shared_ptr<ssl::context> context);
  Reload load_files(const char* why);
  std::string stamp_of_files() const;

  TlsFiles files_;
  const std::filesystem::path data_dir_;
  std::mutex reload_mutex_;   // one reload or check at a time (SIGHUP and the timer may meet)
  mutable std::mutex mutex_;  // guards context_ (read per accepted connection, swapped on reload)
  std::shared_ptr<ssl::context> context_;
  std::string stamp_;  // of the files when last loaded or tried
  OcspStapler stapler_;  // last: its thread stops before the rest goes
};

}  // namespace bloatmeter::server
