#include "listener.hpp"

#include <algorithm>

#include "session_start.hpp"
#include "tls_certificate.hpp"
#include "server_log.hpp"

namespace bloatmeter::server {

Listener::Listener(net::io_context& ioc, ServerContext& ctx, const TlsCertificate* tls)
    : ioc_(ioc), ctx_(ctx), tls_(tls), acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()) {}

std::string Listener::open(const tcp::endpoint& ep) {
  beast::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && ep.address().is_v6()) acceptor_.set_option(net::ip::v6_only(false), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message();
  return {};
}

std::uint16_t Listener::port() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::run() { do_accept(); }

void Listener::close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    if (tls_) start_tls_session(std::move(socket), *tls_->current(), ctx_);  // the certificate in force now
    else start_plain_session(std::move(socket), ctx_);
  }
  if (ec) {
    // A failed accept (too many open files: the connection stays queued)
    // must not stop the server, nor spin on the queued connection: back
    // off, doubling up to a second, and log (the log is rate-limited).
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(1000));
    log_event(LogLevel::Error, "accept", "accept failed: " + ec.message() + "; retrying in " +
                                             std::to_string(backoff_.count()) + " ms");
    retry_.expires_after(backoff_);
    retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  backoff_ = kFirstBackoff;
  do_accept();
}

}  // namespace bloatmeter::server
