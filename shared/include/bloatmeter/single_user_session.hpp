#pragma once
// One single-user test (method §1–§3) as a state machine driven by time:
// walks the plan's phases, sends probes on schedule, opens the load streams
// each phase asks for, discovers the stream count in warm-ups, counts
// bytes per interval and records the raw samples. It does no I/O: the
// transport carries probes and load, and the caller feeds it the clock
// (tick) and the echoes (on_echo). The browser and the native client run
// this same code, so their results differ only by what their sockets see.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/lag_monitor.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/probe_schedule.hpp"
#include "bloatmeter/probe_tracker.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/stream_discovery.hpp"
#include "bloatmeter/single_user_transport.hpp"
#include "bloatmeter/throughput_meter.hpp"
#include "bloatmeter/udp_probe_lane.hpp"

namespace bloatmeter {

// What a live view shows while the test runs.
struct LiveStatus {
  std::string phase_label;
  int phase_index = 0;
  double phase_left_s = 0;
  double elapsed_s = 0;
  std::optional<double> last_rtt_ms;
  double download_mbps = 0;  // over the last two 250 ms intervals
  double upload_mbps = 0;
  int download_streams = 0;
  int upload_streams = 0;
};

class SingleUserSession {
 public:
  enum class State { Ready, Running, Finished };

  SingleUserSession(PhasePlan plan, SingleUserTransport& transport);

  // Before begin(), by a native client: the UDP series runs beside the
  // probe lane (open) or the result records why not. Without this call
  // the result has no UDP series.
  void set_udp_lane(UdpLaneStart start);
  // Starts the clock: t = 0 is now, the first phase begins.
  void begin();
  // Advances to client time `t` (µs since begin): sends the probes due,
  // counts load bytes, opens and closes streams, moves through phases.
  // Call it often (every few ms); a late call is recorded as client lag.
  void tick(Micros t);
  // With a transport that schedules probes: probe `seq` (0, 1, 2, ... in
  // order) was due at `due_us` and went out at `sent_us`. The delay between
  // the two is the client's own lag. A probe out of order is ignored.
  void on_probe_sent(std::uint32_t seq, Micros due_us, Micros sent_us);
  // An echo of probe `seq` arrived at client time `t`. Returns the probe's
  // RTT in ms when the echo matched a probe.
  std::optional<double> on_echo(std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                                std::optional<Micros> echo_delay_us);
  // A UDP reply, or the system's word that the port refused a request.
  void on_udp_reply(const udp_probe_wire::Reply& reply, Micros t);
  void on_udp_refused(Micros t);
  // Ends the test early: the result is partial and says why.
  void abort(const std::string& reason, Micros t);

  State state() const { return state_; }
  // Also true after the last phase while late echoes are awaited (no load,
  // no new probes; at most the plan's late_after_us).
  bool running() const { return state_ == State::Running; }
  const PhasePlan& plan() const { return plan_; }
  const LiveStatus& live() const { return live_; }
  // The clock offset from the baseline, once it has ended (live one-way
  // traces; the result recomputes its own from the raw samples).
  const std::optional<ClockOffset>& clock_offset() const { return offset_; }
  const std::vector<ProbeRecord>& probes() const { return probes_.records(); }
  // When the next probe is due: callers may sleep until then.
  Micros next_due_us() const;
  // The raw samples so far (all of them once Finished); the summary is
  // left to recompute().
  Result result() const;

 private:
  void enter_phase(std::size_t index, Micros t);
  void set_streams(Direction d, int count, Micros t);
  void poll_load(Micros t);
  void send_due_probes(Micros t);
  // Files bytes just taken from a stream at the time they arrived (see
  // SingleUserTransport::stream_server_span), spread evenly over a span, and
  // returns that span on the client's clock (now..now: an instant).
  std::pair<Micros, Micros> file_bytes(Direction d, int stream, int stream_id, Micros now, std::uint64_t bytes);
  void stop_load(Micros t);
  // After the last phase: no load, no new probes, echoes still counted.
  void begin_drain(Micros t);
  // Every echo in (both lanes), or nothing more worth waiting for.
  bool drained(Micros t) const;
  void finish(Micros t);

  PhasePlan plan_;
  SingleUserTransport& transport_;
  State state_ = State::Ready;
  std::size_t phase_ = 0;
  Micros phase_start_us_ = 0;
  bool draining_ = false;
  Micros drain_until_us_ = 0;
  Micros last_live_us_ = -1;
  ProbeSchedule schedule_;
  ProbeTracker probes_;
  LagMonitor lag_;
  std::optional<ClockOffset> offset_;
  ThroughputMeter meter_;
  std::optional<StreamDiscovery> discovery_[2];
  std::vector<int> streams_[2];  // open load streams per direction
  int found_streams_[2] = {0, 0};
  RawData raw_;
  LiveStatus live_;
  std::optional<UdpProbeLane> udp_;
};

}  // namespace bloatmeter
