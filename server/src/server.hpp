#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "http_types.hpp"
#include "listener.hpp"
#include "result_store.hpp"
#include "telemetry_auth.hpp"
#include "telemetry_reader.hpp"
#include "tls_certificate.hpp"
#include "server_context.hpp"
#include "udp_responder.hpp"
#include "webhook_sender.hpp"

namespace bloatmeter::server {

// The whole server: one io_context run by N threads, a listener per
// endpoint; a second io_context on a thread of its own for probe lanes, so
// bulk traffic never delays an echo; one more thread for result storage;
// the UDP probe lane's responder on a thread of its own.
// start() binds (errors as values), run() blocks until stop().
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Prepares the web root, TLS and listeners. Returns an error message or "".
  std::string start();
  // The port listener number `listener` (in --listen's order) is bound to.
  std::uint16_t http_port(std::size_t listener = 0) const;
  std::uint16_t tls_port(std::size_t listener = 0) const;
  std::uint16_t udp_port() const;  // 0: no UDP lane
  ServerContext& context() { return ctx_; }
  // The main I/O threads' executor, for the service watchdog's liveness
  // check (service_notify.hpp).
  net::any_io_executor io_executor() { return ioc_.get_executor(); }

  // Runs the I/O threads; returns after stop().
  void run();
  // Drains (then stops) on SIGINT/SIGTERM, stops at a second one; reloads
  // the certificate on SIGHUP (for the binary; tests call drain(), stop()
  // and reload_certificate()).
  void stop_on_signals();
  // Starts no new test; stops once the running ones and their result
  // submissions have ended, or after `grace`, when the probe lanes still
  // open are closed with 1012 (Service Restart) first. Thread-safe.
  void drain(std::chrono::seconds grace);
  // Loads the HTTPS certificate and key again (SIGHUP); a pair that does not
  // load is refused and logged, the one in force kept. Thread-safe.
  TlsCertificate::Reload reload_certificate();
  // Thread-safe: closes listeners and stops the I/O threads.
  void stop();

 private:
  ServerContext ctx_;  // declared before ioc_: outlives every session
  net::io_context ioc_;
  net::io_context probe_ioc_{1};
  net::executor_work_guard<net::io_context::executor_type> probe_work_;
  std::unique_ptr<ResultStore> results_;  // declared before results_thread_: outlives its jobs
  net::thread_pool results_thread_{1};
  // The operator's API reads on a thread of its own (telemetry_routes.hpp).
  std::unique_ptr<TelemetryReader> telemetry_;
  std::unique_ptr<TelemetryAuth> telemetry_auth_;
  net::thread_pool telemetry_thread_{1};
  void check_certificate_soon();
  void check_drain(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point quiet_since);

  std::unique_ptr<TlsCertificate> tls_;
  std::optional<net::steady_timer> tls_check_;  // the look for changed files (tls_reload_check_seconds)
  std::vector<std::shared_ptr<Listener>> plain_;
  std::vector<std::shared_ptr<Listener>> secure_;
  std::unique_ptr<WebhookSender> webhook_;  // when webhook_url is set
  std::unique_ptr<UdpResponder> udp_;       // when udp_port is set
  std::optional<net::signal_set> signals_;
  std::optional<net::steady_timer> drain_timer_;  // on ioc_
  std::atomic<bool> draining_{false};
};

}  // namespace bloatmeter::server
