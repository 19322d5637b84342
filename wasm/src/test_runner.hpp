#pragma once
// Runs one single-user test in the browser: walks the plan's phases, sends
// probes on the probe lane, opens and closes load streams, discovers the
// stream count in warm-ups, and records raw samples. All measurement logic
// comes from the shared core; this class only drives the sockets.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/lag_monitor.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/probe_tracker.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/stream_discovery.hpp"
#include "bloatmeter/throughput_meter.hpp"
#include "charts.hpp"
#include "probe_lane.hpp"

namespace bloatmeter::web {

// What the live view shows, updated as the test runs.
struct LiveFigures {
  std::string phase_label;
  int phase_index = 0;
  double phase_left_s = 0;
  double elapsed_s = 0;
  std::optional<double> last_rtt_ms;
  double download_mbps = 0;
  double upload_mbps = 0;
  int download_streams = 0;
  int upload_streams = 0;
  TimeChart latency{"live-latency"};
  TimeChart throughput{"live-throughput"};
};

class TestRunner {
 public:
  enum class State { Idle, Connecting, Running, Finished };

  // Begins connecting; the clock starts when the probe lane is open.
  void start(PhasePlan plan, const std::string& ws_origin, const Palette& palette);
  // Advances the test; call often (a 5 ms timer) and every frame.
  void tick(double now_ms);
  // Stops early (the user's or the page's choice); the result is partial.
  void abort(const std::string& reason, double now_ms);

  State state() const { return state_; }
  const LiveFigures& live() const { return live_; }
  const PhasePlan& plan() const { return plan_; }
  // The raw samples once Finished (summary left to recompute()).
  Result take_result();
  // Why the test could not run at all (server unreachable), when it failed
  // before measuring anything.
  const std::string& failure() const { return failure_; }

 private:
  Micros now_us(double now_ms) const { return static_cast<Micros>((now_ms - start_ms_) * 1000.0); }
  void begin(double now_ms);
  void enter_phase(std::size_t index, Micros t);
  void set_streams(Direction d, int count);
  void poll_load(Micros t);
  void send_due_probes(double now_ms);
  void finish(Micros t);

  State state_ = State::Idle;
  PhasePlan plan_;
  std::string ws_origin_;
  double connect_started_ms_ = 0;
  double start_ms_ = 0;
  std::size_t phase_ = 0;
  Micros phase_start_us_ = 0;
  Micros next_probe_us_ = 0;
  ProbeLane lane_;
  ProbeTracker probes_;
  LagMonitor lag_;
  std::optional<ClockOffset> offset_;
  std::unique_ptr<ThroughputMeter> meter_;
  std::optional<StreamDiscovery> discovery_[2];
  std::vector<int> streams_[2];  // open load sockets per direction
  int found_streams_[2] = {0, 0};
  RawData raw_;
  LiveFigures live_;
  std::string failure_;
  Micros last_chart_us_ = 0;
};

}  // namespace bloatmeter::web
