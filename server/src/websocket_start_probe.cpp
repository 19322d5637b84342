#include <unistd.h>

#include "websocket_probe_session.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {

// Probe lanes over plain TCP move to the probe I/O thread: the socket's
// descriptor is released from the main io_context and adopted by one on
// the probe context, so no bulk session can ever run ahead of an echo.
void start_probe_lane(beast::tcp_stream&& stream, Request&& req, ClientLimits::ProbePlace&& lease, ServerContext& ctx) {
  if (!ctx.probe_io) {
    std::make_shared<ProbeSession<beast::tcp_stream>>(std::move(stream), ctx)->run(std::move(req), std::move(lease));
    return;
  }
  beast::error_code ec;
  auto& old_socket = stream.socket();
  const auto protocol = old_socket.local_endpoint(ec).protocol();
  if (ec) return;  // the peer is already gone
  const auto fd = old_socket.release(ec);
  if (ec) return;
  tcp::socket moved(net::make_strand(*ctx.probe_io));
  moved.assign(protocol, fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  std::make_shared<ProbeSession<beast::tcp_stream>>(beast::tcp_stream(std::move(moved)), ctx)
      ->run(std::move(req), std::move(lease));
}

// Probe lanes over TLS stay on the main I/O threads, on their own strand:
// an SSL stream's state (the OpenSSL session and its buffered records) is
// bound to the stream object and its executor, and Asio offers no way to
// move it to another io_context. TLS probes therefore get no priority over
// bulk sessions; the echo delay they report makes any contention visible.
void start_probe_lane(TlsStream&& stream, Request&& req, ClientLimits::ProbePlace&& lease, ServerContext& ctx) {
  std::make_shared<ProbeSession<TlsStream>>(std::move(stream), ctx)->run(std::move(req), std::move(lease));
}

}  // namespace bloatmeter::server
