#include "phase_summary.hpp"

#include <algorithm>

#include "bloatmeter/probe_lateness.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/throughput_window.hpp"

namespace bloatmeter::detail {
namespace {

bool is_valid(const PhaseSummary& s, double min_answered_ratio) {
  // An empty graded phase proves nothing, so it cannot be valid; an empty
  // ungraded one (a warm-up nobody probed) is not judged.
  if (s.probes_sent == 0) return !s.graded;
  return static_cast<double>(s.probes_answered) / static_cast<double>(s.probes_sent) >= min_answered_ratio;
}

}  // namespace

std::vector<const ProbeRecord*> probes_sent_in(const std::vector<const ProbeRecord*>& by_send_time,
                                               const PhaseWindow& window) {
  std::vector<const ProbeRecord*> out;
  for (const auto* p : by_send_time)
    if (window.in_measured_window(p->sent_us)) out.push_back(p);
  return out;
}

std::vector<double> rtts_ms(const std::vector<const ProbeRecord*>& probes) {
  std::vector<double> out;
  for (const auto* p : probes)
    if (p->received_us) out.push_back(static_cast<double>(*p->received_us - p->sent_us) / 1000.0);
  return out;
}

std::vector<const ProbeRecord*> without_held(const std::vector<const ProbeRecord*>& probes,
                                             const std::unordered_set<std::uint32_t>& held) {
  std::vector<const ProbeRecord*> out;
  for (const auto* p : probes)
    if (!held.contains(p->seq)) out.push_back(p);
  return out;
}

PhaseSummary summarize_phase(const PhaseWindow& window, const std::vector<const ProbeRecord*>& probes,
                             const std::unordered_set<std::uint32_t>& held, const PhasePlan& plan,
                             const std::optional<ClockOffset>& offset,
                             const std::vector<ThroughputInterval>& throughput) {
  PhaseSummary s;
  s.name = window.spec.name;
  s.graded = window.spec.graded;
  s.probes_sent = probes.size();
  for (const auto* p : probes) {
    if (p->received_us) ++s.probes_answered;
    if (p->received_us && held.contains(p->seq)) ++s.probes_held;
    if (late_in_phase(*p, window.end_us, plan.late_after_us)) ++s.probes_late;
  }
  const auto timed = without_held(probes, held);
  std::vector<double> upload_ms, download_ms;
  for (const auto* p : timed) {
    if (offset && p->received_us && p->server_recv_us) {
      upload_ms.push_back(offset->upload_delay_ms(*p));
      download_ms.push_back(offset->download_delay_ms(*p));
    }
  }
  s.rtt_ms = summarize(rtts_ms(timed));
  s.upload_delay_median_ms = median_of(std::move(upload_ms));
  s.download_delay_median_ms = median_of(std::move(download_ms));
  s.download_mbps = mbps_in_window(throughput, Direction::Download, window.measured_start_us, window.end_us);
  s.upload_mbps = mbps_in_window(throughput, Direction::Upload, window.measured_start_us, window.end_us);
  s.valid = is_valid(s, plan.min_answered_ratio);
  return s;
}

}  // namespace bloatmeter::detail
