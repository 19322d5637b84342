#pragma once
// /ws/probe: echoes each 12-byte probe at once with the server's receive
// time and its own read-to-write delay. One probe in flight per lane: read,
// echo, read again.
#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include "http_types.hpp"
#include "bloatmeter/probe_wire.hpp"
#include "server_context.hpp"
#include "websocket_common.hpp"

namespace bloatmeter::server {

template <class Stream>
class ProbeSession : public std::enable_shared_from_this<ProbeSession<Stream>> {
 public:
  ProbeSession(Stream&& stream, ServerContext& ctx) : ws_(std::move(stream)), ctx_(ctx), count_(ctx, limit_key_of(tcp_socket_of(ws_))) {}
  ~ProbeSession() {
    if (notice_id_) ctx_.restart_notice.leave(notice_id_);
  }

  // Accepts the already-read upgrade request on the session's own strand;
  // the lane holds its test's place (client_limits.hpp) while it lives.
  void run(Request req, ClientLimits::ProbePlace lease) {
    req_ = std::move(req);
    lease_.emplace(std::move(lease));
    net::dispatch(ws_.get_executor(), beast::bind_front_handler(&ProbeSession::accept, this->shared_from_this()));
  }

 private:
  void accept() {
    beast::error_code ec;
    tcp_socket_of(ws_).set_option(tcp::no_delay(true), ec);  // a 24-byte echo must not wait for Nagle
    configure_server_websocket(ws_, ctx_.options.settings);
    ws_.binary(true);
    ws_.async_accept(req_, beast::bind_front_handler(&ProbeSession::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    notice_id_ = ctx_.restart_notice.join([weak = this->weak_from_this()] {
      if (auto self = weak.lock())
        net::post(self->ws_.get_executor(), [self] { self->close_for_restart(); });
    });
    do_read();
  }

  // The drain's grace period is over: close with 1012 (Service Restart).
  // Beast allows a close beside the pending read; beside a pending echo it
  // waits for on_write.
  void close_for_restart() {
    if (restarting_) return;
    restarting_ = true;
    if (!writing_) send_restart_close();
  }
  void send_restart_close() {
    ws_.async_close(websocket::close_reason(websocket::close_code::service_restart, "the test server is restarting"),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  void do_read() {
    in_.clear();
    ws_.async_read(in_, beast::bind_front_handler(&ProbeSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    // The receive time comes first, before anything else can delay it.
    const auto received_us = steady_now_us();
    if (ec) return;  // closed by the client or failed: the lane ends
    if (restarting_) return do_read();  // the close is sent: read on until the client answers it
    if (!ws_.got_binary() || in_.size() != probe_wire::kRequestBytes) return refuse_message();

    std::array<std::uint8_t, probe_wire::kRequestBytes> raw{};
    net::buffer_copy(net::buffer(raw), in_.data());
    const auto probe = *probe_wire::decode_request(raw);  // the size is checked above
    probe_wire::Echo echo{probe.seq, probe.client_send_us, received_us, 0};
    echo.echo_delay_us = static_cast<std::uint32_t>(std::max<std::int64_t>(0, steady_now_us() - received_us));
    out_ = probe_wire::encode(echo);
    // Recorded before the echo leaves: the write may complete at once, and a
    // client that asks /api/health on reading its echo must find it counted.
    ctx_.echo_delays.record(ctx_.uptime_ms(), echo.echo_delay_us);
    writing_ = true;
    ws_.async_write(net::buffer(out_), beast::bind_front_handler(&ProbeSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return;
    if (restarting_) return send_restart_close();
    do_read();
  }

  void refuse_message() {
    ws_.async_close(websocket::close_reason(websocket::close_code::unknown_data,
                                            "probe messages are 12-byte binary messages"),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  websocket::stream<Stream> ws_;
  ServerContext& ctx_;
  ConnectionCount count_;
  Metrics::ActiveSession active_{ctx_.metrics, SessionKind::Probe};
  std::optional<ClientLimits::ProbePlace> lease_;
  Request req_;
  beast::flat_buffer in_;
  std::array<std::uint8_t, probe_wire::kEchoBytes> out_{};
  std::uint64_t notice_id_ = 0;  // in ctx_.restart_notice while open
  bool writing_ = false;         // an echo is being written
  bool restarting_ = false;      // the restart close is sent, or waits for the echo
};

}  // namespace bloatmeter::server
