#pragma once
// One HTTP session type for both transports (Beast's "flex" pattern): the
// shared logic lives here, PlainHttpSession and TlsHttpSession supply the
// stream and how it closes. Async all the way; each session runs on its own
// strand, so no locks.
#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>

#include "http_types.hpp"
#include "load_routes.hpp"
#include "origin_policy.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "server_context.hpp"
#include "websocket_routes.hpp"

namespace bloatmeter::server {

// How long a connection over the limits may take to send the request its
// 503 answers (http_session's first read).
inline constexpr int kOverLimitHeaderSeconds = 2;

inline constexpr std::size_t kHeaderLimit = 16 * 1024;
inline constexpr std::size_t kUploadPiece = 64 * 1024;

// The peer's address as routes see it: IPv4 clients of a dual-stack
// listener show as plain IPv4.
inline ClientInfo client_info_of(const tcp::socket& socket, bool secure) {
  beast::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return {"?", "?", secure};
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  return {address.to_string(), limit_key(address), secure};
}

template <class Derived>
class HttpSession {
 public:
  HttpSession(ServerContext& ctx, beast::flat_buffer buffer, ClientInfo client)
      : ctx_(ctx), count_(ctx, client.limit_key), client_(std::move(client)), buffer_(std::move(buffer)) {}

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }
  const ServerSettings& settings() const { return ctx_.options.settings; }
  // Every operation gets its own deadline (a stale one would fail the next
  // operation at once: Beast's timer keeps running between operations).
  void deadline_in(int seconds) {
    beast::get_lowest_layer(derived().stream()).expires_after(std::chrono::seconds(seconds));
  }

  void do_read() {
    cors_ = {};
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The header is checked against the largest body any route takes; the
    // route's own limit is applied once the header names the route.
    parser_->body_limit(kMaxUploadBytes);
    // A new connection's first request must arrive whole within the request
    // timeout (slowloris); a kept-alive one waits the idle timeout for its
    // next.
    // One over the connection limits is only waiting for its 503: it gets
    // kOverLimitHeaderSeconds to ask, so a flood of connections that never
    // finish a request cannot hold descriptors the running tests need.
    const int first = count_.over_limit().empty() ? settings().request_timeout_seconds
                                                  : std::min(settings().request_timeout_seconds, kOverLimitHeaderSeconds);
    deadline_in(requests_ == 0 ? first : settings().idle_timeout_seconds);
    http::async_read_header(derived().stream(), buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, derived().shared_from_this()));
  }

  ServerContext& ctx_;

 private:
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    ++requests_;
    auto& req = parser_->get();
    head_request_ = req.method() == http::verb::head;
    cors_ = cors_answer(req, headers().cors_origins);
    if (ctx_.options.access_log) begin_access(req);
    if (!count_.over_limit().empty()) {
      log_event(LogLevel::Warning, "limits", "refused a connection from " + client_.ip + ": " + count_.over_limit());
      return send_busy(http::status::service_unavailable, "the test server is busy: " + count_.over_limit());
    }
    // Browsers send Origin with every upgrade and POST: a page of another
    // site may not use the server in its visitor's name.
    const bool origin_checked =
        websocket::is_upgrade(req) || req.method() == http::verb::post || req.method() == http::verb::delete_;
    if (origin_checked && !origin_allowed(req, settings().allowed_origins)) {
      log_event(LogLevel::Warning, "origin",
                "refused " + std::string(req.method_string()) + " " + std::string(target_path(req.target())) +
                    " from origin " + std::string(req[http::field::origin]) + " (" + client_.ip + ")");
      return send_refusal(http::status::forbidden, "this page's origin may not use this server (allowed_origins)");
    }
    if (websocket::is_upgrade(req)) {
      beast::get_lowest_layer(derived().stream()).expires_never();
      auto stream = derived().release_stream();
      auto request = parser_->release();
      // From here the WebSocket router owns the connection (and answers
      // 404 itself when no route matches).
      route_websocket(std::move(stream), std::move(request), std::move(buffer_), ctx_);
      return;
    }
    const auto limit = body_limit_for(req);
    if (const auto declared = parser_->content_length(); declared && *declared > limit)
      return send_refusal(http::status::payload_too_large, "request body too large");
    parser_->body_limit(limit);
    if (is_upload_sink(req)) return start_upload();
    if (is_result_submission(req)) {
      // Bounded before the body is read: a crowd of 8 MiB submissions
      // must not fill memory or queue without end. The per-address rate is
      // judged first, so a refused client never holds a place.
      if (!ctx_.limits.submission_allowed(client_.limit_key, std::chrono::steady_clock::now())) {
        log_event(LogLevel::Warning, "limits", "refused a result submission from " + client_.ip +
                                                   ": submissions_per_minute_per_address reached");
        return send_busy(http::status::too_many_requests, "too many results from your address this minute");
      }
      submission_ = SubmissionSlot::take(ctx_);
      if (!submission_) {
        log_event(LogLevel::Warning, "limits", "refused a result submission: max_concurrent_submissions reached");
        return send_busy(http::status::service_unavailable, "the server is busy storing results, try again shortly");
      }
    }
    deadline_in(settings().request_timeout_seconds);
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, derived().shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    beast::get_lowest_layer(derived().stream()).expires_never();  // the route may take its time
    // Routes may answer later from another thread; the answer is sent from
    // this session's strand either way.
    auto req = parser_->release();
    const auto target = std::string(req.target());
    auto answer = [self = derived().shared_from_this()](Response res) {
      net::dispatch(self->stream().get_executor(), [self, res = std::move(res)]() mutable {
        auto& session = static_cast<HttpSession&>(*self);
        session.submission_.reset();
        session.access_.status = std::visit([](const auto& r) { return r.result_int(); }, res);
        session.send(finish_response(std::move(res), session.headers(), session.head_request_, session.cors_));
      });
    };
    try {
      handle_request(std::move(req), ctx_, client_, answer);
    } catch (const std::exception& e) {
      log_event(LogLevel::Error, "http", "a handler failed on " + target + ": " + e.what());
      send_refusal(http::status::internal_server_error, "internal error");
    }
  }

  const HeaderPolicy& headers() const { return Derived::kTls ? ctx_.tls_headers : ctx_.plain_headers; }

  // The request's version and keep-alive, for answers made from its header.
  Request request_head() const {
    Request head(parser_->get().base());
    return head;
  }

  // 503 (or 429) with Retry-After, and the connection ends (the body, if
  // any, is left unread).
  void send_busy(http::status status, std::string_view why) {
    auto res = busy_response(status, why, kBusyRetrySeconds, request_head());
    res.keep_alive(false);
    access_.status = static_cast<unsigned>(status);
    send(finish_response(std::move(res), headers(), false, cors_), true);
  }

  // An answer that ends the connection (the body, if any, is left unread).
  void send_refusal(http::status status, std::string_view why) {
    access_.status = static_cast<unsigned>(status);
    send(finish_response(error_response_unparsed(status, why), headers(), false, cors_), true);
  }

  // POST /upload: the body is counted piece by piece as it arrives, never
  // stored, so a 1 GiB upload costs one 64 KiB buffer.
  void start_upload() {
    upload_started_ = std::chrono::steady_clock::now();
    upload_bytes_ = 0;
    upload_parser_.emplace(std::move(*parser_));
    upload_parser_->body_limit(kMaxUploadBytes);
    if (!upload_piece_) upload_piece_ = std::make_unique<std::array<char, kUploadPiece>>();
    // Beast reads as much as the buffer has room for, and a buffer sized
    // for request headers has about 512 bytes: without room for a whole
    // piece, every recv() took 512 bytes and the sink topped out near
    // 250 Mbit/s per connection at a full core.
    buffer_.reserve(kUploadPiece);
    read_upload();
  }

  void read_upload() {
    auto& body = upload_parser_->get().body();
    body.data = upload_piece_->data();
    body.size = upload_piece_->size();
    // Per piece, so a steady upload runs on, and within the transfer limit.
    beast::get_lowest_layer(derived().stream())
        .expires_at(std::min(std::chrono::steady_clock::now() + std::chrono::seconds(settings().request_timeout_seconds),
                             upload_started_ + std::chrono::seconds(settings().max_transfer_seconds)));
    http::async_read(derived().stream(), buffer_, *upload_parser_,
                     beast::bind_front_handler(&HttpSession::on_upload_read, derived().shared_from_this()));
  }

  void on_upload_read(beast::error_code ec, std::size_t) {
    upload_bytes_ += upload_piece_->size() - upload_parser_->get().body().size;
    if (ec == http::error::need_buffer) ec = {};  // the piece is full: count it and read on
    if (ec) return on_read_error(ec);
    if (!upload_parser_->is_done()) return read_upload();
    const auto took = std::chrono::steady_clock::now() - upload_started_;
    auto report = upload_report(upload_parser_->get().base(), upload_bytes_, took);
    access_.status = std::visit([](const auto& r) { return r.result_int(); }, report);
    upload_parser_.reset();
    send(finish_response(std::move(report), headers(), false, cors_));
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
    send_refusal(status, "malformed request: " + ec.message());
  }

  // Writes piece by piece: each piece has write_stall_seconds to leave (a
  // reader that stops reading is dropped, and nothing piles up in memory:
  // the body is made piece by piece too), and the whole answer has
  // max_transfer_seconds (a slow but steady reader ends by that limit, not
  // by the header's deadline as it once did).
  void send(http::message_generator msg, bool close = false) {
    close_after_write_ = close || !msg.keep_alive();
    out_.emplace(std::move(msg));
    transfer_ends_ = std::chrono::steady_clock::now() + std::chrono::seconds(settings().max_transfer_seconds);
    write_piece();
  }

  void write_piece() {
    beast::error_code ec;
    const auto buffers = out_->prepare(ec);
    if (ec) {
      log_event(LogLevel::Error, "http", "cannot produce a response: " + ec.message());
      return derived().do_eof();
    }
    const auto stall = std::chrono::steady_clock::now() + std::chrono::seconds(settings().write_stall_seconds);
    beast::get_lowest_layer(derived().stream()).expires_at(std::min(stall, transfer_ends_));
    derived().stream().async_write_some(
        buffers, beast::bind_front_handler(&HttpSession::on_write_piece, derived().shared_from_this()));
  }

  void on_write_piece(beast::error_code ec, std::size_t written) {
    access_.bytes += written;
    if (ec) return end_access(false);  // the peer left, stalled or ran out of time: the socket is closed
    out_->consume(written);
    if (!out_->is_done()) return write_piece();
    out_.reset();
    end_access(true);
    if (close_after_write_) return derived().do_eof();
    do_read();
  }

  // The access log's record of the request being answered (--access-log).
  struct Access {
    bool open = false;
    std::string method, path;
    unsigned status = 0;
    std::uint64_t bytes = 0;
    std::chrono::steady_clock::time_point began;
  };
  void begin_access(const Request& req) {
    const auto target = req.target();
    access_ = Access{true, std::string(req.method_string()), std::string(target.substr(0, target.find('?'))), 0, 0,
                     std::chrono::steady_clock::now()};
  }
  void end_access(bool complete) {
    if (!access_.open) return;
    access_.open = false;
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - access_.began;
    log_access({client_.ip, access_.method, access_.path, access_.status, access_.bytes, took.count(), Derived::kTls,
                complete});
  }

  Access access_;
  ConnectionCount count_;
  ClientInfo client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> upload_parser_;
  std::unique_ptr<std::array<char, kUploadPiece>> upload_piece_;
  std::chrono::steady_clock::time_point upload_started_;
  std::uint64_t upload_bytes_ = 0;
  std::optional<http::message_generator> out_;
  std::chrono::steady_clock::time_point transfer_ends_;
  bool close_after_write_ = false;
  bool head_request_ = false;
  CorsAnswer cors_;  // the current request's (cors.hpp)
  unsigned long requests_ = 0;
  std::optional<SubmissionSlot> submission_;
};

class PlainHttpSession : public HttpSession<PlainHttpSession>,
                         public std::enable_shared_from_this<PlainHttpSession> {
 public:
  static constexpr bool kTls = false;
  PlainHttpSession(tcp::socket&& socket, ServerContext& ctx)
      : HttpSession(ctx, {}, client_info_of(socket, false)), stream_(std::move(socket)) {}

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
  static constexpr bool kTls = true;
  TlsHttpSession(tcp::socket&& socket, ssl::context& tls, ServerContext& ctx)
      : HttpSession(ctx, {}, client_info_of(socket, true)), stream_(std::move(socket), tls) {}

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
    deadline_in(settings().request_timeout_seconds);
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
