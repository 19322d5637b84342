// The probe lane (/ws/probe, docs/protocol.md) both ways:
//  - the server reads 12-byte probe requests (websocket_probe_session.hpp:
//    any other size is refused) and answers with a 24-byte echo;
//  - a client reads 24-byte echoes from a server it does not control and
//    matches them to its probes (ProbeTracker, as the native client and the
//    browser do), then the result is summarized (recompute).
//
// The input's first 12 bytes are a probe request, if it is that long; the
// whole input, cut into 24-byte pieces, is the echoes a hostile server
// sends while the client probes every 50 ms through a quick plan.
//
// Invariants: decoding and encoding are each other's inverse; the tracker
// never matches an echo to a probe it never sent or twice, never yields a
// negative round trip, and counts its outstanding probes right; the
// summary of whatever it recorded is computed without failing.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "bloatmeter/plan.hpp"
#include "bloatmeter/probe_wire.hpp"
#include "bloatmeter/probe_tracker.hpp"
#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/result.hpp"

namespace {

using namespace bloatmeter;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_probe_wire: %s\n", what);
  std::abort();
}

[[noreturn]] void fail_with(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_probe_wire: %s: %s\n", what, detail.c_str());
  std::abort();
}

void server_side(const std::uint8_t* data, std::size_t size) {
  if (size < probe_wire::kRequestBytes) return;
  const auto probe = probe_wire::decode_request({data, probe_wire::kRequestBytes});
  if (!probe) fail("a request of the right size not decoded");
  const probe_wire::Echo echo{probe->seq, probe->client_send_us, static_cast<std::int64_t>(probe->client_send_us), 17};
  const auto out = probe_wire::encode(echo);
  // The echo carries the request's 12 bytes unchanged at its start.
  if (!std::equal(data, data + probe_wire::kRequestBytes, out.begin())) fail("an echo that does not repeat its request");
  const auto back = probe_wire::decode_echo(out);
  if (!back || back->server_recv_us != echo.server_recv_us || back->echo_delay_us != echo.echo_delay_us)
    fail("an echo field that does not read back");
}

void client_side(const std::uint8_t* data, std::size_t size) {
  const PhasePlan plan = quick_plan();
  Micros plan_us = 0;
  for (const auto& ph : plan.phases) plan_us += ph.duration_us;

  Result result;
  result.meta.mode = "single";
  result.plan = plan;
  Micros start = 0;
  for (const auto& ph : plan.phases) {
    result.raw.phases.push_back({ph.name, start, start + ph.duration_us});
    start += ph.duration_us;
  }

  ProbeTracker tracker;
  std::size_t sent = 0;
  std::size_t answered = 0;
  Micros now = 0;
  for (std::size_t off = 0; off + probe_wire::kEchoBytes <= size; off += probe_wire::kEchoBytes) {
    // The client sends a probe every 50 ms, up to the plan's end.
    if (now <= plan_us) {
      if (tracker.next_probe(now) != sent) fail("sequence numbers not handed out in order");
      ++sent;
    }
    // What the native client reads (cli/src/probe_connection.cpp).
    const auto echo = probe_wire::decode_echo({data + off, probe_wire::kEchoBytes});
    if (!echo) fail("an echo of the right size not decoded");
    const auto seq = echo->seq;
    now += 1 + (echo->client_send_us % 64) * 1'000;  // the echo's arrival, from one of its opaque bytes
    const auto rtt = tracker.on_echo(seq, now, echo->server_recv_us, echo->echo_delay_us);
    if (rtt) {
      ++answered;
      if (!(*rtt >= 0)) fail("a negative or NaN round trip");
      if (seq >= sent) fail("an echo matched to a probe never sent");
    }
    if (tracker.outstanding() != sent - answered) fail("outstanding probes miscounted");
    (void)tracker.late_count(now, plan.late_after_us);
    if (now <= plan_us) now += plan.probe_interval_us;
  }
  if (tracker.records().size() != sent) fail("records lost or invented");
  result.raw.probes = tracker.records();
  result.summary = recompute(result);
  // What the client then writes (--json, the browser's save) must read back.
  const auto reread = parse_result(serialize_result(result));
  if (!reread) fail_with("the client's own result does not parse", reread.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  server_side(data, size);
  client_side(data, size);
  return 0;
}
