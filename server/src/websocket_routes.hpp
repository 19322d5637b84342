#pragma once
// Hands an upgraded connection to the session type for its path. Each
// protocol has its own session type; this is the only place that knows them.
#include <memory>

#include "http_types.hpp"
#include "responses.hpp"
#include "server_context.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {

// Answers one HTTP response on a connection it owns, then closes it.
template <class Stream>
class OneResponse : public std::enable_shared_from_this<OneResponse<Stream>> {
 public:
  OneResponse(Stream&& stream, http::response<http::string_body> res)
      : stream_(std::move(stream)), res_(std::move(res)) {}
  void run() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    });
  }

 private:
  Stream stream_;
  http::response<http::string_body> res_;
};

template <class Stream>
void reject_upgrade(Stream&& stream, http::status status, std::string_view message, const Request& req) {
  auto res = error_response(status, message, req);
  res.keep_alive(false);
  std::make_shared<OneResponse<std::decay_t<Stream>>>(std::forward<Stream>(stream), std::move(res))->run();
}

template <class Stream>
void route_websocket(Stream&& stream, Request&& req, beast::flat_buffer&& buffer, ServerContext& ctx) {
  (void)buffer;
  (void)ctx;
  reject_upgrade(std::forward<Stream>(stream), http::status::not_found, "no such WebSocket endpoint", req);
}

}  // namespace bloatmeter::server
