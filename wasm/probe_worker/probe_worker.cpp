// The browser's probe lane compiled from the core (probe-worker-core.js,
// chosen with ?probe_worker=core; web/probe-worker.js is the JavaScript
// one): the core's ProbeSchedule decides when each probe is due and
// probe_wire.hpp writes and reads its bytes, the same code the native
// client runs. The glue (worker_glue.js) owns the WebSocket and the timer,
// stamps the clock and moves bytes; it decides nothing.
//
// Times are µs on the test's clock, read by the glue and passed in.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include <emscripten/emscripten.h>

#include "bloatmeter/probe_schedule.hpp"
#include "bloatmeter/probe_wire.hpp"

namespace {

using namespace bloatmeter;

std::optional<ProbeSchedule> g_schedule;
std::uint32_t g_seq = 0;
// An echo's bytes, copied here by the glue: one fixed buffer, so an echo
// costs no allocation on either side.
std::array<std::uint8_t, probe_wire::kEchoBytes> g_echo{};

// The glue sends the request's bytes and then tells the page (sent after
// the send, as the JavaScript worker does, so the page never hears of a
// probe that did not leave).
EM_JS(void, js_send_probe, (const std::uint8_t* bytes, int size, double seq, double due_us, double sent_us), {
  pwSendProbe(HEAPU8.slice(bytes, bytes + size), seq, due_us, sent_us);
});

EM_JS(void, js_post_echo, (double seq, double received_us, double server_recv_us, double echo_delay_us), {
  postMessage(['echo', seq, received_us, server_recv_us, echo_delay_us]);
});

}  // namespace

extern "C" {

// A new schedule: the first probe is due at t = 0, then one every `interval_us`.
EMSCRIPTEN_KEEPALIVE void pw_start(double interval_us) {
  g_schedule.emplace(static_cast<Micros>(interval_us));
  g_seq = 0;
}

// The glue's timer fired at `now_us`: sends the probe if one is due and
// returns when the next one is (µs on the test clock; -1 before pw_start).
EMSCRIPTEN_KEEPALIVE double pw_tick(double now_us) {
  if (!g_schedule) return -1;
  const auto now = static_cast<Micros>(now_us);
  if (g_schedule->due(now)) {
    const std::uint32_t seq = g_seq++;
    // A clock before t = 0 (the page's t0 is a little ahead of the worker's
    // first timer) is sent as 0: the field is unsigned.
    const auto bytes = probe_wire::encode(probe_wire::Request{seq, static_cast<std::uint64_t>(std::max<Micros>(0, now))});
    const Micros due = g_schedule->on_sent(now);
    js_send_probe(bytes.data(), static_cast<int>(bytes.size()), seq, static_cast<double>(due), now_us);
  }
  return static_cast<double>(g_schedule->next_due_us());
}

EMSCRIPTEN_KEEPALIVE std::uint8_t* pw_echo_buffer() { return g_echo.data(); }
EMSCRIPTEN_KEEPALIVE int pw_echo_capacity() { return static_cast<int>(g_echo.size()); }

// A binary message of `size` bytes arrived at `received_us`; its bytes are
// in pw_echo_buffer() (when it fits). Anything not an echo is dropped.
EMSCRIPTEN_KEEPALIVE void pw_echo(int size, double received_us) {
  if (size < 0 || static_cast<std::size_t>(size) > g_echo.size()) return;
  const auto e = probe_wire::decode_echo(std::span<const std::uint8_t>(g_echo.data(), static_cast<std::size_t>(size)));
  if (!e) return;
  js_post_echo(e->seq, received_us, static_cast<double>(e->server_recv_us), e->echo_delay_us);
}

}  // extern "C"

int main() { return 0; }
