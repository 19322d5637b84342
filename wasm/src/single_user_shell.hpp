#pragma once
// Runs one single-user test in the browser: connects the probe lane, then
// drives the shared core's SingleUserSession with the page's clock, over a
// transport made of the probe lane and the load worker's sockets. It adds
// only what a browser needs: the connection timeout and the live charts.
#include <memory>
#include <optional>
#include <string>

#include "bloatmeter/single_user_session.hpp"
#include "charts.hpp"
#include "probe_lane.hpp"

namespace bloatmeter::web {

// What the live view shows, updated as the test runs.
struct LiveFigures : LiveStatus {
  TimeChart latency{"live-latency"};
  TimeChart throughput{"live-throughput"};
};

class BrowserSingleUserTransport : public SingleUserTransport {
 public:
  // The probe lane's worker keeps the probe schedule.
  bool schedules_probes() const override { return true; }
  void send_probe(std::uint32_t, Micros) override {}
  int open_stream(Direction direction) override;
  std::uint64_t take_stream_bytes(int id) override;
  std::optional<ServerSpan> stream_server_span(int id) override;
  bool stream_lost(int id) override;
  void close_stream(int id) override;
  std::string origin;  // the test server's, http(s)://host[:port]
};

class SingleUserShell {
 public:
  enum class State { Idle, Connecting, Running, Finished };

  // Begins connecting to the test server at `origin` (http(s)://host[:port]);
  // the clock starts when the probe lane is open.
  void start(PhasePlan plan, const std::string& origin, const Palette& palette);
  // Advances the test; call often (a 5 ms timer) and every frame.
  void tick(double now_ms);
  // Stops early (the user's or the page's choice); the result is partial.
  void abort(const std::string& reason, double now_ms);

  State state() const { return state_; }
  const LiveFigures& live() const { return live_; }
  const PhasePlan& plan() const { return plan_; }
  // The raw samples once Finished (summary left to recompute()).
  Result take_result();
  // The wall-clock time of the test's t = 0 (ISO 8601, UTC).
  const std::string& started_at() const { return started_at_; }
  // Why the test could not run at all (server unreachable), when it failed
  // before measuring anything.
  const std::string& failure() const { return failure_; }

 private:
  Micros now_us(double now_ms) const { return static_cast<Micros>((now_ms - start_ms_) * 1000.0); }
  void begin(double now_ms);
  void update_charts(Micros t);
  void finish();

  State state_ = State::Idle;
  PhasePlan plan_;
  double connect_started_ms_ = 0;
  double start_ms_ = 0;
  std::string started_at_;
  ProbeLane lane_;
  BrowserSingleUserTransport transport_;
  std::unique_ptr<SingleUserSession> session_;
  LiveFigures live_;
  std::string failure_;
  Micros last_chart_us_ = -1;
};

}  // namespace bloatmeter::web
