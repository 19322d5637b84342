// The browser's virtual household users, on a Web Worker of their own
// (web glue: worker_glue.js). Each user is the shared core's
// HouseholdUserClient: the same pacing, framing and recording as the native
// client. This file only moves bytes between it and the worker's
// WebSockets, and reads the clock the glue passes in (µs on the test's
// clock, shared with the page).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <emscripten/emscripten.h>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_user_client.hpp"
#include "bloatmeter/lag_monitor.hpp"
#include "bloatmeter/result_json.hpp"

namespace {

using namespace bloatmeter;

// How late the pacing timer fires, as client lag samples (the "client
// busy" flag): this thread stamps every user's messages, so when it is
// starved the users' figures measure the browser, not the line. One sample
// per 50 ms (the probe lane's rate): the worst lateness in it.
constexpr Micros kLagWindowUs = 50'000;

struct Household {
  HouseholdPlan plan;
  std::vector<std::unique_ptr<HouseholdUserClient>> users;
  LagMonitor lag{kLagWindowUs};
  bool finished = false;
};

Household* g_household = nullptr;

// The glue sends `bytes` on user `user`'s socket: `header`, then padding.
EM_JS(void, js_send, (int user, const std::uint8_t* header, int header_bytes, int bytes), {
  hwSend(user, HEAPU8.subarray(header, header + header_bytes), bytes);
});
// Bytes queued on user `user`'s socket, not yet handed to the network.
EM_JS(double, js_buffered, (int user), { return hwBuffered(user); });

char* copy_out(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

}  // namespace

extern "C" {

// Sets up the users of plan `plan_name`; returns how many, 0 for an
// unknown plan. The ids (for the sockets' paths) come from hw_user_id().
EMSCRIPTEN_KEEPALIVE int hw_setup(const char* plan_name, int greedy) {
  delete g_household;
  g_household = new Household();
  if (!household_plan_by_name(plan_name ? plan_name : "", greedy != 0, g_household->plan)) return 0;
  for (const auto& profile : g_household->plan.profiles.users)
    g_household->users.push_back(
        std::make_unique<HouseholdUserClient>(profile, g_household->plan.phases.throughput_interval_us));
  return static_cast<int>(g_household->users.size());
}

EMSCRIPTEN_KEEPALIVE const char* hw_user_id(int user) {
  if (!g_household || user < 0 || user >= static_cast<int>(g_household->users.size())) return "";
  return g_household->users[user]->profile().id.c_str();
}

// The baseline's clock offset (server minus client, µs), for upload counts.
EMSCRIPTEN_KEEPALIVE void hw_set_offset(double server_minus_client_us) {
  if (!g_household) return;
  for (auto& u : g_household->users) u->set_clock_offset(ClockOffset{server_minus_client_us});
}

EMSCRIPTEN_KEEPALIVE void hw_opened(int user, double now_us) {
  if (!g_household || g_household->finished || user < 0 || user >= static_cast<int>(g_household->users.size())) return;
  g_household->users[user]->on_open(static_cast<Micros>(now_us));
}

// A binary message of `bytes` bytes arrived; `head` holds its first
// `head_bytes` (its header: the padding is never copied).
EMSCRIPTEN_KEEPALIVE void hw_binary(int user, const std::uint8_t* head, int head_bytes, int bytes, double now_us) {
  if (!g_household || g_household->finished || user < 0 || user >= static_cast<int>(g_household->users.size())) return;
  g_household->users[user]->on_binary(std::span<const std::uint8_t>(head, static_cast<std::size_t>(head_bytes)),
                                      static_cast<std::size_t>(bytes), static_cast<Micros>(now_us));
}

EMSCRIPTEN_KEEPALIVE int hw_head_bytes() { return static_cast<int>(HouseholdUserClient::kHeadBytes); }

EMSCRIPTEN_KEEPALIVE void hw_text(int user, const char* text, double now_us) {
  if (!g_household || g_household->finished || user < 0 || user >= static_cast<int>(g_household->users.size())) return;
  g_household->users[user]->on_text(text ? text : "", static_cast<Micros>(now_us));
}

// The pacing timer, due at `due_us`, fired at `now_us`.
EMSCRIPTEN_KEEPALIVE void hw_timer_fired(double due_us, double now_us) {
  if (!g_household || g_household->finished) return;
  g_household->lag.on_timer(static_cast<Micros>(due_us), static_cast<Micros>(now_us));
}

// Sends every upload message due at `now_us`; returns when the next is
// due (µs on the test clock), or -1 when none is scheduled.
EMSCRIPTEN_KEEPALIVE double hw_pace(double now_us) {
  if (!g_household || g_household->finished) return -1;
  const auto now = static_cast<Micros>(now_us);
  Micros next = std::numeric_limits<Micros>::max();
  for (std::size_t i = 0; i < g_household->users.size(); ++i) {
    auto& u = *g_household->users[i];
    if (!u.opened()) continue;
    // The room rule of every household sender (send_room.hpp). A browser
    // sees only what its WebSocket has not yet handed to the network
    // (bufferedAmount), not the kernel's send queue below it.
    const double buffered = js_buffered(static_cast<int>(i));
    for (const auto& o : u.take_due(now, static_cast<std::uint64_t>(std::max(0.0, buffered)), 0))
      js_send(static_cast<int>(i), o.header.data(), static_cast<int>(o.header.size()), static_cast<int>(o.bytes));
    next = std::min(next, u.next_due_us());
  }
  return next == std::numeric_limits<Micros>::max() ? -1 : static_cast<double>(next);
}

// Live figures for the page: per user, [last RTT ms (-1: none), download
// Mbit/s, upload Mbit/s] over the last half second, into `out`. The upload
// is counted by the server and its counts come back every 250 ms, filed
// when they arrived there: its last half second is the one before that.
EMSCRIPTEN_KEEPALIVE void hw_live(double now_us, double* out) {
  if (!g_household) return;
  constexpr Micros kReportLagUs = 300'000;
  const auto now = static_cast<Micros>(now_us);
  for (std::size_t i = 0; i < g_household->users.size(); ++i) {
    const auto& r = g_household->users[i]->recorder();
    out[3 * i] = r.last_rtt_ms().value_or(-1.0);
    out[3 * i + 1] = r.current_mbps(Direction::Download, now);
    out[3 * i + 2] = r.current_mbps(Direction::Upload, now - kReportLagUs);
  }
}

// The users' phase ended at `end_us`: returns their samples as a result
// document (the one serializer) holding only the household part, for the
// page to merge into its result. The caller frees it.
EMSCRIPTEN_KEEPALIVE char* hw_finish(double end_us) {
  if (!g_household) return copy_out("");
  g_household->finished = true;
  Result r;
  r.meta.mode = kHouseholdMode;
  r.plan = g_household->plan.phases;
  r.profiles = g_household->plan.profiles;
  HouseholdRaw raw;
  for (auto& u : g_household->users) {
    u->finish(static_cast<Micros>(end_us));
    raw.users.push_back(u->recorder().samples());
  }
  r.raw.household = std::move(raw);
  r.raw.client_lag = g_household->lag.samples();
  return copy_out(serialize_result(r));
}

}  // extern "C"

int main() { return 0; }
