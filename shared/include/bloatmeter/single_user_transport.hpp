#pragma once
// What a single-user test session needs from the outside world: a way to
// send probes and to open, count and close load streams. The browser and
// the native client each implement it over their own sockets; the session
// (single_user_session.hpp) never sees a socket.
#include <cstdint>
#include <optional>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/upload_span_tracker.hpp"

namespace bloatmeter {

class SingleUserTransport {
 public:
  virtual ~SingleUserTransport() = default;
  // True when the transport keeps the probe schedule itself (a browser
  // sends probes from a worker, where the page's drawing cannot delay
  // them): the session then never calls send_probe() and learns of each
  // probe through SingleUserSession::on_probe_sent().
  virtual bool schedules_probes() const { return false; }
  // Sends probe `seq`, stamped with the client's send time.
  virtual void send_probe(std::uint32_t seq, Micros sent_us) = 0;
  // Opens a load stream in `direction`; returns an id for the calls below.
  virtual int open_stream(Direction direction) = 0;
  // Bytes that arrived since the last call: for a download stream, bytes
  // the client received; for an upload stream, growth of the count the
  // server reported (bytes that reached the far end).
  virtual std::uint64_t take_stream_bytes(int id) = 0;
  // When, on the server's clock (µs), the bytes last taken from an upload
  // stream arrived there: one instant (a count report) or a span (a POST
  // body's first to last byte), when the server said. The session files the
  // bytes there (through the clock offset), not when the count happened to
  // reach the client, so a 250 ms interval never catches two reports.
  using ServerSpan = bloatmeter::ServerSpan;
  virtual std::optional<ServerSpan> stream_server_span(int) { return std::nullopt; }
  // True once a stream failed to connect or was closed by the other side.
  virtual bool stream_lost(int id) = 0;
  virtual void close_stream(int id) = 0;
  // Sends UDP request `seq` of the second series (udp_probe_lane.hpp),
  // stamped with the client's send time; false when it could not leave.
  // Only called after SingleUserSession::set_udp_lane(): a transport
  // without UDP (the browser's) never gets the call.
  virtual bool send_udp_request(std::uint32_t, Micros) { return false; }
};

}  // namespace bloatmeter
