#pragma once
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "http_types.hpp"
#include "listener.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

// The whole server: one io_context run by N threads, a listener per
// endpoint. start() binds (errors as values), run() blocks until stop().
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Prepares the web root, TLS and listeners. Returns an error message or "".
  std::string start();
  std::uint16_t http_port() const;
  std::uint16_t tls_port() const;
  ServerContext& context() { return ctx_; }

  // Runs the I/O threads; returns after stop().
  void run();
  // Stops on SIGINT/SIGTERM (for the binary; tests call stop()).
  void stop_on_signals();
  // Thread-safe: closes listeners and stops the I/O threads.
  void stop();

 private:
  ServerContext ctx_;  // declared before ioc_: outlives every session
  net::io_context ioc_;
  std::optional<ssl::context> tls_;
  std::shared_ptr<Listener> plain_;
  std::shared_ptr<Listener> secure_;
  std::optional<net::signal_set> signals_;
};

}  // namespace bloatmeter::server
