#pragma once
// A complete result a client could submit, with exactly known figures, for
// the server's integration tests.
#include "bloatmeter/plan.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter::testing {

// A complete quick-plan run: 20 ms idle RTT, 120 ms under download,
// 50 ms under upload, 90 ms both ways; 50 Mbps down, 10 Mbps up.
inline Result sample_run() {
  Result r;
  r.meta.tool_version = "0.1.0";
  r.meta.client = "native";
  r.meta.started_at = "2026-11-23T10:00:00Z";
  r.meta.server = "http://localhost:8080";  // so the client IP appears nowhere in the document
  r.plan = quick_plan();
  Micros t = 0;
  std::uint32_t seq = 0;
  for (const auto& ph : r.plan.phases) {
    r.raw.phases.push_back({ph.name, t, t + ph.duration_us});
    const Micros rtt = ph.load == PhaseLoad::None       ? 20'000
                       : ph.load == PhaseLoad::Download ? 120'000
                       : ph.load == PhaseLoad::Upload   ? 50'000
                                                        : 90'000;
    for (Micros sent = t; sent < t + ph.duration_us; sent += r.plan.probe_interval_us)
      r.raw.probes.push_back({++seq, sent, sent + rtt, sent + rtt / 2 + 5'000'000, 80});
    for (Micros at = t; at < t + ph.duration_us; at += r.plan.throughput_interval_us) {
      for (int stream = 0; stream < 4; ++stream) {
        if (ph.load == PhaseLoad::Download || ph.load == PhaseLoad::Both)
          r.raw.throughput.push_back({Direction::Download, stream, at, 250'000, 390'625});
        if (ph.load == PhaseLoad::Upload || ph.load == PhaseLoad::Both)
          r.raw.throughput.push_back({Direction::Upload, stream, at, 250'000, 78'125});
      }
    }
    t += ph.duration_us;
  }
  r.raw.streams = {4, 4};
  // What a dishonest client might claim.
  r.summary.baseline_ms = 1.0;
  r.summary.overall = Grade::APlus;
  return r;
}

}  // namespace testing
