#include "validity_flags.hpp"

#include <algorithm>

#include "bloatmeter/stats.hpp"
#include "bloatmeter/throughput_window.hpp"
#include "own_delay.hpp"

namespace bloatmeter::detail {
namespace {

std::optional<double> percentile_of(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, p);
}

bool too_few_probes(const std::vector<PhaseSummary>& summaries) {
  return std::any_of(summaries.begin(), summaries.end(), [](const PhaseSummary& s) { return s.graded && !s.valid; });
}

// Throughput of `direction` in the warm-up's last stream_add_interval_us
// (1 s by default) beat every earlier such span of the warm-up by more than
// stream_growth_threshold: the streams were still finding capacity when the
// load phase began. Against the best earlier span, not only the one just
// before, because a link already full can dip for a second (a loss and its
// recovery) and come back: the lab's managed link read 9.34, 8.62 and 9.46
// Mbit/s in a warm-up whose goodput limit is 9.56, and the old comparison
// (+9.7 %) called that still rising. Phases too short for two spans, or
// with no counts in the last one or all earlier ones, cannot be judged and
// raise nothing.
//
// A rise is then held against the phase that followed (`next`, when it
// ran and loads the same direction): only if that phase too carried more
// than the threshold over the best earlier span, per span on average, was
// the load still rising. Why: where the CPU and not the line sets the rate
// (the lab's unshaped link at 20-25 Gbit/s), seconds swing by 10 % either
// way; an upload warm-up read 20.0, 19.9, 18.3, 19.7 and 21.7 Gbit/s, its
// last second 8 % over the best, and the phase after it 19.6-21.7, 4 %
// over on average: a swing, not a ramp. A link still filling goes on
// rising into the phase. Without such a phase (a test that ended in its
// warm-up, or one shorter than a span, or with no counts of the
// direction) the warm-up is judged alone.
//
// Spans are counted back from the warm-up's end (span 0 is the last) and
// filled in one pass over the counts, so the work is the number of counts
// plus the number of spans, whatever the phase and span lengths (a result
// document is untrusted: result_limits.hpp bounds both).
bool still_rising(const Result& r, const PhaseWindow& w, const PhaseWindow* next, Direction direction) {
  const Micros span = r.plan.stream_add_interval_us;
  if (span <= 0 || w.end_us <= w.start_us) return false;
  const auto spans = static_cast<std::size_t>((w.end_us - w.start_us) / span);
  if (spans < 2) return false;
  std::vector<std::optional<std::uint64_t>> bytes(spans);
  for (const auto& interval : r.raw.throughput) {
    if (interval.direction != direction || interval.start_us >= w.end_us) continue;
    const auto back = static_cast<std::size_t>((w.end_us - 1 - interval.start_us) / span);
    if (interval.start_us < w.start_us || back >= spans) continue;
    bytes[back] = bytes[back].value_or(0) + interval.bytes;
  }
  const auto last = bytes[0];
  if (!last) return false;
  std::optional<std::uint64_t> best;
  for (std::size_t i = 1; i < spans; ++i)
    if (bytes[i] && (!best || *bytes[i] > *best)) best = bytes[i];
  if (!best) return false;
  if (*best == 0) return *last > 0;
  const double threshold = r.plan.stream_growth_threshold;
  const auto over_best = [&](double per_span) { return (per_span - static_cast<double>(*best)) / static_cast<double>(*best); };
  if (over_best(static_cast<double>(*last)) <= threshold) return false;
  if (!next || next->end_us - next->start_us < span) return true;
  const auto next_bytes = bytes_in_window(r.raw.throughput, direction, next->start_us, next->end_us);
  if (!next_bytes) return true;
  const double next_spans = static_cast<double>(next->end_us - next->start_us) / static_cast<double>(span);
  return over_best(static_cast<double>(*next_bytes) / next_spans) > threshold;
}

bool not_saturated(const Result& r, const std::vector<PhaseWindow>& windows) {
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    if (!w.spec.warmup) continue;
    for (const auto direction : {Direction::Download, Direction::Upload}) {
      if (!phase_loads(w.spec.load, direction)) continue;
      const PhaseWindow* next = nullptr;
      if (i + 1 < windows.size() && !windows[i + 1].spec.warmup && phase_loads(windows[i + 1].spec.load, direction))
        next = &windows[i + 1];
      if (still_rising(r, w, next, direction)) return true;
    }
  }
  return false;
}

}  // namespace

// Event-loop lag p95 above the limit in any graded window.
bool client_busy(const Result& r, const std::vector<PhaseWindow>& windows) {
  for (const auto& w : windows) {
    if (!w.spec.graded) continue;
    std::vector<double> lags;
    for (const auto& s : r.raw.client_lag)
      if (w.in_measured_window(s.at_us)) lags.push_back(s.lag_ms);
    const auto p95 = percentile_of(std::move(lags), 95);
    if (p95 && *p95 > r.plan.client_lag_p95_limit_ms) return true;
  }
  return false;
}

// Echo delay p99 over every answered probe of the test (a server busy in a
// warm-up is as busy as one in a graded phase), or load shed.
bool server_busy(const Result& r) {
  if (r.raw.server_shed_load) return true;
  std::vector<double> echo_ms;
  for (const auto& p : r.raw.probes)
    if (p.received_us && p.server_echo_us) echo_ms.push_back(static_cast<double>(*p.server_echo_us) / 1000.0);
  const auto p99 = percentile_of(std::move(echo_ms), 99);
  return p99 && *p99 > r.plan.server_echo_p99_limit_ms;
}

std::vector<Flag> validity_flags(const Result& result, const std::vector<PhaseWindow>& windows,
                                 const std::vector<PhaseSummary>& summaries) {
  std::vector<Flag> flags;
  if (client_busy(result, windows)) flags.push_back(Flag::ClientBusy);
  if (server_busy(result)) flags.push_back(Flag::ServerBusy);
  if (too_few_probes(summaries)) flags.push_back(Flag::TooFewProbes);
  if (not_saturated(result, windows)) flags.push_back(Flag::NotSaturated);
  if (result.raw.aborted) flags.push_back(Flag::Aborted);
  if (client_delay(summaries, result.plan)) flags.push_back(Flag::ClientDelay);
  return flags;
}

}  // namespace bloatmeter::detail
