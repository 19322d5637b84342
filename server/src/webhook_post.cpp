#include "webhook_post.hpp"

#include <openssl/ssl.h>

namespace bloatmeter::server {

WebhookPost::WebhookPost(net::io_context& ioc, ssl::context& tls, WebhookTarget target)
    : target_(std::move(target)), resolver_(ioc), deadline_(ioc) {
  if (target_.tls) secure_.emplace(ioc, tls);
  else plain_.emplace(ioc);
}

tcp::socket& WebhookPost::socket() {
  return secure_ ? beast::get_lowest_layer(*secure_).socket() : plain_->socket();
}

void WebhookPost::run(http::request<http::string_body> request, std::chrono::steady_clock::duration timeout,
                      Done done) {
  request_ = std::move(request);
  done_ = std::move(done);
  // One deadline for the whole attempt: a receiver that accepts and never
  // answers (or a resolver that never returns) costs at most `timeout`.
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->done_) return;
    self->timed_out_ = true;
    self->resolver_.cancel();
    beast::error_code ignored;
    self->socket().close(ignored);
  });
  resolver_.async_resolve(target_.host, target_.port, beast::bind_front_handler(&WebhookPost::on_resolve, shared_from_this()));
}

void WebhookPost::on_resolve(beast::error_code ec, tcp::resolver::results_type endpoints) {
  if (ec) return fail("cannot resolve " + target_.host, ec);
  auto& lowest = secure_ ? beast::get_lowest_layer(*secure_) : *plain_;
  lowest.async_connect(endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
    self->on_connect(ec);
  });
}

void WebhookPost::on_connect(beast::error_code ec) {
  if (ec) return fail("cannot connect to " + target_.host_header, ec);
  if (!secure_) return write();
  // SNI (not for address literals, RFC 6066) and the certificate checked
  // against the URL's host, on top of the chain's verification.
  beast::error_code not_an_address;
  net::ip::make_address(target_.host, not_an_address);
  if (not_an_address) SSL_set_tlsext_host_name(secure_->native_handle(), target_.host.c_str());
  secure_->set_verify_callback(ssl::host_name_verification(target_.host));
  secure_->async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->fail("TLS handshake with " + self->target_.host_header + " failed", ec);
    self->write();
  });
}

void WebhookPost::write() {
  auto handler = beast::bind_front_handler(&WebhookPost::on_write, shared_from_this());
  if (secure_) http::async_write(*secure_, request_, std::move(handler));
  else http::async_write(*plain_, request_, std::move(handler));
}

void WebhookPost::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail("cannot send the event", ec);
  auto handler = beast::bind_front_handler(&WebhookPost::on_read, shared_from_this());
  if (secure_) http::async_read_header(*secure_, buffer_, parser_, std::move(handler));
  else http::async_read_header(*plain_, buffer_, parser_, std::move(handler));
}

void WebhookPost::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail("no answer", ec);
  // The status decides; the connection is closed (Connection: close), so
  // neither the body nor a TLS close_notify is waited for.
  finish({static_cast<int>(parser_.get().result_int()), {}});
}

void WebhookPost::fail(const std::string& what, beast::error_code ec) {
  finish({0, timed_out_ ? what + ": timed out" : what + ": " + ec.message()});
}

void WebhookPost::finish(WebhookReply reply) {
  if (!done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  beast::error_code ignored;
  deadline_.cancel();
  socket().close(ignored);
  done(std::move(reply));
}

}  // namespace bloatmeter::server
