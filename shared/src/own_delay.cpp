#include "own_delay.hpp"

#include <algorithm>

#include "bloatmeter/grade.hpp"

namespace bloatmeter {

bool own_delay_over_limit(const PhaseSummary& s, const PhasePlan& plan) {
  return s.own_delay_ms && *s.own_delay_ms > plan.own_delay_limit_ms;
}

namespace detail {
namespace {

// The idle direction's one-way median of a phase: for a download phase the
// upload direction's, and the other way round.
std::optional<double> idle_direction_median(const PhaseSummary& s, PhaseLoad load) {
  if (load == PhaseLoad::Download) return s.upload_delay_median_ms;
  if (load == PhaseLoad::Upload) return s.download_delay_median_ms;
  return std::nullopt;
}

}  // namespace

void fill_own_delays(std::vector<PhaseSummary>& summaries, const std::vector<PhaseWindow>& windows,
                     std::size_t baseline) {
  const PhaseSummary& base = summaries[baseline];
  for (std::size_t i = 0; i < windows.size() && i < summaries.size(); ++i) {
    const PhaseLoad load = windows[i].spec.load;
    auto& phase = summaries[i];
    if (!windows[i].spec.graded || !phase.increase_ms) continue;
    const auto now = idle_direction_median(phase, load);
    const auto before = idle_direction_median(base, load);
    if (!now || !before) continue;
    phase.own_delay_ms = std::max(0.0, *now - *before);
    phase.grade_without_own_delay = grade_for_increase(std::max(0.0, *phase.increase_ms - *phase.own_delay_ms));
  }
}

bool client_delay(const std::vector<PhaseSummary>& summaries, const PhasePlan& plan) {
  return std::any_of(summaries.begin(), summaries.end(),
                     [&](const PhaseSummary& s) { return own_delay_over_limit(s, plan); });
}

}  // namespace detail
}  // namespace bloatmeter
