#pragma once
// Runs one virtual household test in the browser (method §4): drives the
// shared core's HouseholdSession with the page's clock, over a transport
// made of the probe lane (its worker keeps the probe schedule) and the
// household worker (household_worker/), which paces and records the four
// users with the shared core. This class adds only what a browser needs:
// connecting both workers, the time-outs and the live view.
#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_session.hpp"
#include "bloatmeter/result.hpp"
#include "charts.hpp"
#include "probe_lane.hpp"

namespace bloatmeter::web {

// One user's card in the live view.
struct LiveUser {
  std::string name, role, activity;
  bool connected = false;
  std::optional<double> rtt_ms;
  double download_mbps = 0, upload_mbps = 0;
  double download_demand_mbps = 0, upload_demand_mbps = 0;
  double late_after_ms = 0;  // its latency budget (status colour)
};

struct HouseholdLive {
  bool users_running = false;  // false: the baseline (probes only)
  double elapsed_s = 0;
  double phase_left_s = 0;
  std::optional<double> last_probe_rtt_ms;
  std::vector<LiveUser> users;
  TimeChart latency{"household-live-latency"};  // one trace per user
};

// The session's transport: the probe lane's worker sends the probes; the
// household worker runs the users and hands their samples back.
class BrowserHouseholdTransport : public HouseholdTransport {
 public:
  bool schedules_probes() const override { return true; }
  void send_probe(std::uint32_t, Micros) override {}
  void start_users(std::optional<ClockOffset> offset, Micros end_us) override;
  void stop_users(Micros end_us) override;
  double start_ms = 0;  // the test's t = 0 on the page's clock
};

class HouseholdShell {
 public:
  enum class State { Idle, Connecting, Running, Finishing, Finished };

  void start(HouseholdPlan plan, const std::string& ws_origin, const Palette& palette);
  void tick(double now_ms);
  void abort(const std::string& reason, double now_ms);

  State state() const { return state_; }
  bool active() const { return state_ == State::Connecting || state_ == State::Running || state_ == State::Finishing; }
  const HouseholdLive& live() const { return live_; }
  const HouseholdPlan& plan() const { return plan_; }
  const std::string& failure() const { return failure_; }
  // The raw samples once Finished (summary left to recompute()).
  Result take_result();

  // From the worker (household_shell.cpp's bridge).
  void on_worker_ready(int users);
  void on_worker_error(const std::string& why);
  void on_user_opened(int user);
  void on_user_lost(const std::string& why);
  void on_live(double now_us, const double* figures, int users);
  void on_done(const std::string& result_json);

 private:
  Micros now_us(double now_ms) const { return static_cast<Micros>((now_ms - start_ms_) * 1000.0); }
  void begin(double now_ms);
  void update_live(Micros t);
  void finish();

  State state_ = State::Idle;
  HouseholdPlan plan_;
  std::string ws_origin_;
  double connect_started_ms_ = 0;
  double start_ms_ = 0;
  std::string started_at_;
  ProbeLane lane_;
  bool worker_ready_ = false;
  BrowserHouseholdTransport transport_;
  std::unique_ptr<HouseholdSession> session_;
  std::string failure_;
  HouseholdLive live_;
};

}  // namespace bloatmeter::web
