#pragma once
// One virtual household test (method §4) as a state machine driven by
// time, the twin of SingleUserSession: a baseline with the probe lane only,
// then every user at once until the plan's end. It keeps the probe
// schedule, matches echoes, places the server's clock from the baseline and
// hands it to the users, ends the users on time or on an abort, and puts
// the result together. It does no I/O: the transport carries probes and
// runs the users, and the caller feeds it the clock and the events. The
// browser and the native client run this same code.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/household_transport.hpp"
#include "bloatmeter/lag_monitor.hpp"
#include "bloatmeter/probe_schedule.hpp"
#include "bloatmeter/probe_tracker.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/udp_probe_lane.hpp"

namespace bloatmeter {

// What a live view shows besides each user's own figures.
struct HouseholdStatus {
  bool users_running = false;  // false: the baseline (probes only)
  double elapsed_s = 0;
  double phase_left_s = 0;
  std::optional<double> last_probe_rtt_ms;
};

class HouseholdSession {
 public:
  // Baseline and Users run the plan; HandingOver waits for the users'
  // samples after they stopped (a browser's worker sends them over).
  enum class State { Ready, Baseline, Users, HandingOver, Finished };
  // How long the users' samples may take to come back before the result
  // goes without them (marked aborted: its household part is lost).
  static constexpr Micros kHandOverTimeoutUs = 3'000'000;

  HouseholdSession(HouseholdPlan plan, HouseholdTransport& transport);

  // Before begin(), by a native client: the UDP series runs beside the
  // probe lane through the baseline and the users (open), or the result
  // records why not. It stops with the users: its last requests count as
  // in flight, as the users' own last messages do.
  void set_udp_lane(UdpLaneStart start);
  void on_udp_reply(const udp_probe_wire::Reply& reply, Micros t);
  void on_udp_refused(Micros t);
  // Starts the clock: t = 0 is now, the baseline begins.
  void begin();
  // Advances to client time `t` (µs since begin): sends the probes due,
  // starts and stops the users on the plan's schedule. Call it often.
  void tick(Micros t);
  // With a transport that schedules probes: probe `seq` (0, 1, 2, ... in
  // order) was due at `due_us` and went out at `sent_us`.
  void on_probe_sent(std::uint32_t seq, Micros due_us, Micros sent_us);
  // An echo of probe `seq` arrived at `t`; returns its RTT in ms when it
  // matched a probe.
  std::optional<double> on_echo(std::uint32_t seq, Micros t, std::optional<Micros> server_recv_us,
                                std::optional<Micros> echo_delay_us);
  // The users' samples after stop_users(), with the lateness of the timers
  // that paced them (empty when the transport does not measure it).
  void on_users_finished(HouseholdRaw users, std::vector<LagSample> users_lag);
  // Ends the test early (a lost connection, the user's choice): the result
  // is partial and says why.
  void abort(const std::string& reason, Micros t);

  State state() const { return state_; }
  // True until Finished (including the hand-over).
  bool running() const { return state_ != State::Ready && state_ != State::Finished; }
  bool users_started() const { return users_start_us_ >= 0; }
  const HouseholdPlan& plan() const { return plan_; }
  const HouseholdStatus& live() const { return live_; }
  const std::vector<ProbeRecord>& probes() const { return probes_.records(); }
  // When the session next needs a tick: the next probe, the next phase
  // boundary, or the hand-over's deadline.
  Micros next_due_us() const;
  // The raw samples so far (all of them once Finished): meta.mode, plan,
  // profiles and raw are filled; the summary is left to recompute().
  Result result() const;

 private:
  void send_due_probes(Micros t);
  void start_users();
  void stop_users(Micros end_us);
  void finish();

  HouseholdPlan plan_;
  HouseholdTransport& transport_;
  State state_ = State::Ready;
  ProbeSchedule schedule_;
  ProbeTracker probes_;
  LagMonitor lag_;
  Micros users_start_us_ = -1;
  Micros users_end_us_ = 0;  // planned; an abort ends them sooner
  Micros stopped_at_us_ = -1;
  std::vector<PhaseRecord> phases_;
  std::optional<HouseholdRaw> users_;
  std::vector<LagSample> users_lag_;
  bool aborted_ = false;
  std::string abort_reason_;
  HouseholdStatus live_;
  std::optional<UdpProbeLane> udp_;
};

}  // namespace bloatmeter
