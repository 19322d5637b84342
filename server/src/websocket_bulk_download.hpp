#pragma once
// /ws/bulk-download: pushes incompressible messages as fast as TCP takes
// them. One write outstanding at a time and TCP_NOTSENT_LOWAT on the socket,
// so little data waits in the server: the queue a test measures is the
// network's. Whatever the client sends is read and dropped (reading is also
// how the client's close arrives).
#include <optional>
#include <memory>
#include <vector>

#include "http_types.hpp"
#include "server_context.hpp"
#include "socket_tuning.hpp"
#include "websocket_common.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {


template <class Stream>
class BulkDownloadSession : public std::enable_shared_from_this<BulkDownloadSession<Stream>> {
 public:
  BulkDownloadSession(Stream&& stream, ServerContext& ctx, std::size_t chunk)
      : ws_(std::move(stream)), ctx_(ctx), count_(ctx, limit_key_of(tcp_socket_of(ws_))), chunk_(chunk) {}

  // The lease counts this stream against max_streams_per_test until the
  // session ends.
  void run(Request req, ClientLimits::StreamLease lease) {
    lease_.emplace(std::move(lease));
    req_ = std::move(req);
    net::dispatch(ws_.get_executor(),
                  beast::bind_front_handler(&BulkDownloadSession::accept, this->shared_from_this()));
  }

 private:
  void accept() {
    set_notsent_lowat(tcp_socket_of(ws_), kBulkNotSentLowat);
    configure_server_websocket(ws_, ctx_.options.settings);
    ws_.binary(true);
    ws_.async_accept(req_, beast::bind_front_handler(&BulkDownloadSession::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    discard_.resize(16 * 1024);
    do_write();
    do_read();
  }

  void do_write() {
    // Slices of the shared pool, starting somewhere new each time (a prime
    // stride) so consecutive messages never repeat a pattern.
    const auto span = ctx_.pool.size() - chunk_ + 1;
    position_ = (position_ + chunk_ + 4099) % span;
    ws_.async_write(ctx_.pool.slice(position_, chunk_),
                    beast::bind_front_handler(&BulkDownloadSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t n) {
    ctx_.metrics.add_sent(n);
    if (ec) return;  // closed or failed: stop pushing
    do_write();
  }

  void do_read() {
    ws_.async_read_some(net::buffer(discard_),
                        beast::bind_front_handler(&BulkDownloadSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;  // the client closed: Beast answers the close, the write loop ends
    do_read();
  }

  websocket::stream<Stream> ws_;
  ServerContext& ctx_;
  std::optional<ClientLimits::StreamLease> lease_;
  ConnectionCount count_;
  Metrics::ActiveSession active_{ctx_.metrics, SessionKind::Download};
  Request req_;
  const std::size_t chunk_;
  std::uint64_t position_ = 0;
  std::vector<std::uint8_t> discard_;
};

}  // namespace bloatmeter::server
