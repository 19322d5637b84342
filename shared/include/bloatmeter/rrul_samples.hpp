#pragma once
// An RRUL test's raw samples (raw.rrul of a result whose meta.mode is
// "rrul"; docs/method.md §15): what every flow saw, nothing derived. The
// figures, verdicts, score and penalties (rrul_summary.hpp) are recomputed
// from these alone, so a result file recomputes anywhere.
//
// Client times are microseconds since the test started on the client's
// monotonic clock; server times are on the server's, as everywhere in a
// result. The TCP load flows' bytes are in raw.throughput, filed with
// `stream` = the flow's id.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/probe_record.hpp"
#include "bloatmeter/rrul_marking.hpp"
#include "bloatmeter/udp_samples.hpp"

namespace bloatmeter {

// Whether an address family carried flows: used; unreachable (the client
// tried and the server could not be reached or would not serve it); off
// (the person running the test chose one family, -4 or -6).
enum class RrulFamilyState { Used, Unreachable, Off };
std::string_view to_string(RrulFamilyState s);
std::optional<RrulFamilyState> rrul_family_state_from_string(std::string_view s);

struct RrulFamilyRecord {
  IpFamily family = IpFamily::V4;
  RrulFamilyState state = RrulFamilyState::Used;
  std::string address;  // the server address the family's flows went to
  std::string reason;   // why not used; empty when used
};

// One TCP load flow. planned_us is when the plan meant to open it (the
// slew between groups is deliberate); connected_us when its connection was
// ready to carry data. A flow that connects late lost its first SYN.
struct RrulTcpFlowRecord {
  int id = 0;  // raw.throughput's stream
  Direction direction = Direction::Download;
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  Micros planned_us = 0;
  std::optional<Micros> connected_us;  // absent: never connected
  std::optional<int> mss;              // the connection's segment size, when the system said
  // The DSCP the sender's socket carried (the client's for upload, the
  // server's for download), as read back from the socket; absent when not
  // known. TCP's marking is as set: a receiver's system does not hand a
  // stream's TOS to the application.
  std::optional<int> dscp_set;
  std::optional<Micros> ended_us;  // when it stopped carrying data early; absent: ran to the end
  std::string error;               // why it never connected or ended early
};

// A UDP flow: request/response (one datagram each way every rr_interval)
// or VoIP (172-byte datagrams every 10 ms each way: every request is the
// upstream's packet, its reply, the same size, the downstream's).
enum class RrulUdpKind { RequestResponse, Voip };
std::string_view to_string(RrulUdpKind k);
std::optional<RrulUdpKind> rrul_udp_kind_from_string(std::string_view s);

struct RrulUdpFlowRecord {
  RrulUdpKind kind = RrulUdpKind::RequestResponse;
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  // The TOS bytes the requests were sent with, in turn: request `seq`
  // carried request_tos[seq % size] (the class's DSCP with Not-ECT, ECT(0)
  // and ECT(1) in turn, so both ECN codepoints are tested on every class).
  std::vector<std::uint8_t> request_tos;
  // The server marked each reply with its request's TOS (it says so when
  // the session opens); without it the downstream marking is not judged.
  bool replies_marked = false;
  // Requests and replies; each reply record carries the TOS the request
  // arrived with at the server and the reply arrived with here.
  UdpRaw udp;
};

// A TCP request/response flow: one small message each way per interval on
// a connection of its own (the server's WebSocket probe lane, marked).
struct RrulTcpRrRecord {
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  std::optional<int> dscp_set;
  std::string error;  // why it never ran or stopped
  std::vector<ProbeRecord> probes;
};

// One load of the web component's page: the document, then its objects
// over up to the plan's connections, every fetch on a fresh connection.
struct RrulPageRecord {
  Micros started_us = 0;
  std::optional<Micros> done_us;    // the last object's last byte; absent: it failed
  std::optional<Micros> dns_us;     // name resolution's time, when a name was resolved
  std::optional<Micros> connect_us; // the first connection's TCP (and TLS) set-up time
  std::uint64_t bytes = 0;          // body bytes received
  int connections = 0;              // connections opened
  std::string error;
};

// Share of CPU a side used over the interval ending at at_us (client
// clock; a server's samples are stamped when the client received them):
// process, in cores (the test's own process; its event loop tops out at
// 1); machine, the share of all the machine's cores that were busy;
// waiting, the share of the time the test's own thread was ready to run
// but waited for a CPU (the client's; absent where the system does not
// say).
struct RrulCpuSample {
  Micros at_us = 0;
  double process = 0;
  double machine = 0;
  std::optional<double> waiting;
};

struct RrulRaw {
  std::vector<RrulFamilyRecord> families;
  std::vector<RrulTcpFlowRecord> tcp_flows;
  std::vector<RrulUdpFlowRecord> udp_flows;
  std::vector<RrulTcpRrRecord> tcp_rr;
  std::vector<RrulPageRecord> pages;
  std::vector<RrulCpuSample> client_cpu;
  std::vector<RrulCpuSample> server_cpu;
  bool server_cpu_known = false;  // the server reported its CPU (older ones do not)
  // Each load flow capped at this rate (--pace-mbps), both ends pacing it:
  // the load was this, not what the line could take.
  std::optional<int> pace_mbps;
};

// The primary family: the first of `families` that carried flows (the
// client records IPv4 first). The pages go over it, and the figures drawn
// for one family only are its. None when no family was used.
std::optional<IpFamily> rrul_primary_family(const std::vector<RrulFamilyRecord>& families);

}  // namespace bloatmeter
