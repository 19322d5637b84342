#pragma once
// One HTTP session type for both transports (Beast's "flex" pattern): the
// shared logic lives here, PlainHttpSession and TlsHttpSession supply the
// stream and how it closes. Async all the way; each session runs on its own
// strand, so no locks.
#include <chrono>
#include <memory>
#include <optional>

#include "http_types.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "server_context.hpp"
#include "websocket_routes.hpp"

namespace bloatmeter::server {

inline constexpr std::size_t kHeaderLimit = 16 * 1024;
inline constexpr auto kIdleTimeout = std::chrono::seconds(30);

template <class Derived>
class HttpSession {
 public:
  HttpSession(ServerContext& ctx, beast::flat_buffer buffer)
      : ctx_(ctx), count_(ctx), buffer_(std::move(buffer)) {}

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    beast::get_lowest_layer(derived().stream()).expires_after(kIdleTimeout);
    http::async_read_header(derived().stream(), buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, derived().shared_from_this()));
  }

  ServerContext& ctx_;

 private:
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    if (websocket::is_upgrade(req)) {
      beast::get_lowest_layer(derived().stream()).expires_never();
      auto stream = derived().release_stream();
      auto request = parser_->release();
      // From here the WebSocket router owns the connection (and answers
      // 404 itself when no route matches).
      route_websocket(std::move(stream), std::move(request), std::move(buffer_), ctx_);
      return;
    }
    parser_->body_limit(body_limit_for(req));
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, derived().shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    send(handle_request(parser_->release(), ctx_));
  }

  // Malformed input gets a JSON 4xx and the connection closes; transport
  // errors and timeouts just close.
  void on_read_error(beast::error_code ec) {
    const bool parse_error = &ec.category() == &http::make_error_code(http::error::bad_target).category();
    if (!parse_error || ec == http::error::end_of_stream || ec == http::error::partial_message)
      return derived().do_eof();
    http::status status = http::status::bad_request;
    if (ec == http::error::body_limit) status = http::status::payload_too_large;
    else if (ec == http::error::header_limit) status = http::status::request_header_fields_too_large;
    send(error_response_unparsed(status, "malformed request: " + ec.message()));
  }

  void send(http::message_generator msg) {
    const bool keep_alive = msg.keep_alive();
    beast::async_write(derived().stream(), std::move(msg),
                       beast::bind_front_handler(&HttpSession::on_write, derived().shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!keep_alive) return derived().do_eof();
    do_read();
  }

  ConnectionCount count_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class PlainHttpSession : public HttpSession<PlainHttpSession>,
                         public std::enable_shared_from_this<PlainHttpSession> {
 public:
  PlainHttpSession(tcp::socket&& socket, ServerContext& ctx)
      : HttpSession(ctx, {}), stream_(std::move(socket)) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&PlainHttpSession::start, shared_from_this()));
  }
  beast::tcp_stream& stream() { return stream_; }
  beast::tcp_stream release_stream() { return std::move(stream_); }
  void do_eof() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

 private:
  void start() {
    stream_.socket().set_option(tcp::no_delay(true));
    do_read();
  }
  beast::tcp_stream stream_;
};

class TlsHttpSession : public HttpSession<TlsHttpSession>, public std::enable_shared_from_this<TlsHttpSession> {
 public:
  TlsHttpSession(tcp::socket&& socket, ssl::context& tls, ServerContext& ctx)
      : HttpSession(ctx, {}), stream_(std::move(socket), tls) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&TlsHttpSession::start, shared_from_this()));
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::ssl_stream<beast::tcp_stream> release_stream() { return std::move(stream_); }
  void do_eof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  void start() {
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true));
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&TlsHttpSession::on_handshake, shared_from_this()));
  }
  void on_handshake(beast::error_code ec) {
    if (ec) return;  // not TLS, or a failed handshake: nothing to answer
    do_read();
  }
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace bloatmeter::server
