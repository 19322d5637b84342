#pragma once
// One RRUL test (docs/method.md §15) as a state machine driven by time:
// idle, load, idle; the load flows opened in slewed groups and closed when
// the load ends; the realtime and VoIP flows and the page loads through
// every phase; everything seen recorded as raw samples. No I/O: the
// transport (rrul_transport.hpp) carries the traffic, the shell feeds the
// clock (tick) and what comes back (on_*). The figures are left to
// recompute().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/lag_monitor.hpp"
#include "bloatmeter/probe_schedule.hpp"
#include "bloatmeter/probe_tracker.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/rrul_plan.hpp"
#include "bloatmeter/rrul_transport.hpp"
#include "bloatmeter/throughput_meter.hpp"
#include "bloatmeter/udp_probe_lane.hpp"

namespace bloatmeter {

// A UDP flow the session runs: which kind, class and family; the shell
// asks the server for its session (token) in this order.
struct RrulUdpFlowSpec {
  RrulUdpKind kind = RrulUdpKind::RequestResponse;
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  Micros interval_us = 0;
  std::uint32_t datagram_bytes = 0;
};

struct RrulTcpFlowSpec {
  int id = 0;
  Direction direction = Direction::Download;
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  Micros planned_offset_us = 0;  // from the load's start
};

struct RrulTcpRrSpec {
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
};

// Every flow of a plan over the families in use: each load flow and each
// realtime and VoIP class on each family (both families: a class's flows
// over IPv4 and IPv6 can be compared). Load flows start in groups: the
// k-th flow of each direction at k × slew_us into the load; they are
// listed, and numbered, in the order they start.
struct RrulFlowSet {
  std::vector<RrulTcpFlowSpec> tcp;
  std::vector<RrulUdpFlowSpec> udp;
  std::vector<RrulTcpRrSpec> tcp_rr;
};
RrulFlowSet rrul_flow_set(const RrulPlan& plan, const std::vector<IpFamily>& families);

// Small datagram for the request/response flows: the smallest request the
// responder takes.
inline constexpr std::uint32_t kRrulRrDatagramBytes = 64;

struct RrulLive {
  std::string phase_label;
  int phase_index = 0;
  double elapsed_s = 0;
  double total_s = 0;
  double download_mbps = 0, upload_mbps = 0;
  std::optional<double> last_rr_ms;  // the latest UDP request/response round trip
  int flows_connected = 0;
};

class RrulSession {
 public:
  enum class State { Ready, Running, Finished };

  // `families`: both, each used, unreachable (with its reason) or off.
  RrulSession(RrulPlan plan, std::vector<RrulFamilyRecord> families, RrulTransport& transport);

  const RrulFlowSet& flows() const { return flows_; }
  // Before begin(): how the server answered for UDP flow `index` (open,
  // or refused and why), and whether it marks its replies. A flow never
  // given one records "unavailable".
  void set_udp_flow(std::size_t index, UdpLaneStart start, bool replies_marked);

  void begin();
  // Advances to client time `t` (µs since begin): sends what is due,
  // counts bytes, opens and closes load flows, moves through the phases.
  void tick(Micros t);

  void on_flow_connected(int id, Micros t, std::optional<int> mss, std::optional<int> dscp_set);
  void on_flow_ended(int id, Micros t, const std::string& error);
  // The marking flow `id`'s sender carried, read back from its socket (the
  // server says it for a download flow).
  void on_flow_marking(int id, std::optional<int> dscp_set);
  void on_udp_reply(std::size_t flow, const udp_probe_wire::Reply& reply, std::optional<std::uint8_t> tos_at_client,
                    Micros t);
  void on_tcp_rr_echo(std::size_t flow, std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                      std::optional<Micros> echo_delay_us);
  void on_tcp_rr_failed(std::size_t flow, const std::string& error);
  // Page `index` ended (loaded, or failed with `record.error`); the
  // session sets its start.
  void on_page_done(int index, RrulPageRecord record);
  enum class Side { Client, Server };
  void on_cpu(Side side, RrulCpuSample sample);
  void abort(const std::string& reason, Micros t);

  State state() const { return state_; }
  bool running() const { return state_ == State::Running; }
  const RrulLive& live() const { return live_; }
  // When something is next due: callers may sleep until then.
  Micros next_due_us() const;
  // The raw samples (all of them once Finished); meta.mode "rrul".
  Result result() const;

 private:
  struct UdpFlow {
    RrulUdpFlowSpec spec;
    UdpProbeLane lane;
    std::vector<std::uint8_t> tos;
    bool replies_marked = false;
  };
  struct TcpRrFlow {
    RrulTcpRrSpec spec;
    ProbeSchedule schedule;
    ProbeTracker probes;
    std::string error;
  };
  void enter_phase(std::size_t index, Micros t);
  void open_due_flows(Micros t);
  void poll_load(Micros t);
  void send_due(Micros t);
  void start_due_page(Micros t);
  void begin_drain(Micros t);
  bool drained(Micros t) const;
  void finish(Micros t);

  RrulPlan plan_;
  RrulTransport& transport_;
  RrulFlowSet flows_;
  State state_ = State::Ready;
  std::size_t phase_ = 0;
  Micros phase_start_us_ = 0;
  Micros total_us_ = 0;
  bool draining_ = false;
  Micros drain_until_us_ = 0;
  Micros last_live_us_ = -1;
  bool load_open_ = false;
  std::size_t flows_opened_ = 0;
  std::vector<RrulTcpFlowRecord> tcp_records_;
  std::vector<UdpFlow> udp_;
  std::vector<TcpRrFlow> tcp_rr_;
  std::vector<RrulPageRecord> pages_;
  bool page_in_flight_ = false;
  Micros next_page_us_ = 0;
  std::optional<ClockOffset> offset_;
  ThroughputMeter meter_;
  LagMonitor lag_;
  ProbeSchedule tick_schedule_;  // the session's own timer, for the lag it measures
  RawData raw_;
  RrulRaw rrul_;
  RrulLive live_;
};

}  // namespace bloatmeter
