#pragma once
// What an RRUL session (rrul_session.hpp) needs from the outside world:
// marked TCP load flows, marked UDP datagrams, TCP request/response
// messages and page loads, each to the server over one address family.
// The native client implements it over its sockets; the session never
// sees one. What comes back (connections made, replies, echoes, pages
// loaded, CPU samples) the shell hands to the session's on_* calls.
#include <cstdint>
#include <optional>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/upload_span_tracker.hpp"

namespace bloatmeter {

class RrulTransport {
 public:
  virtual ~RrulTransport() = default;
  // Starts connecting load flow `id` (the session's numbering) in
  // `direction`, its socket marked with the class's DSCP before the
  // connection is made (so its SYN is marked too). The shell reports the
  // connection with RrulSession::on_flow_connected, a failure with
  // on_flow_ended.
  virtual void open_load_flow(int id, Direction direction, DscpClass cls, IpFamily family) = 0;
  // Bytes that arrived on the flow since the last call (download: received
  // here; upload: the growth of the server's count).
  virtual std::uint64_t take_flow_bytes(int id) = 0;
  // For an upload flow: when, on the server's clock, the bytes last taken
  // arrived there, when the server said.
  virtual std::optional<ServerSpan> flow_server_span(int) { return std::nullopt; }
  // Stops every load flow (the load phase ended or the test stopped).
  virtual void close_load_flows() = 0;
  // Sends request `seq` of UDP flow `flow` with the TOS byte `tos`,
  // stamped `sent_us`; false when the client's system would not send it.
  virtual bool send_udp(int flow, std::uint32_t seq, std::uint8_t tos, Micros sent_us) = 0;
  // Sends message `seq` of TCP request/response flow `flow`.
  virtual void send_tcp_rr(int flow, std::uint32_t seq, Micros sent_us) = 0;
  // Starts loading the page (document, then objects on fresh connections);
  // the shell reports it with RrulSession::on_page_done.
  virtual void start_page(int index) = 0;
};

}  // namespace bloatmeter
