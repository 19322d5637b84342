#include "bloatmeter/plan.hpp"

namespace bloatmeter {
namespace {

constexpr Micros kSecond = 1'000'000;

// Both plans share the seed's shape; only the phase lengths differ.
PhasePlan shaped_plan(std::string name, Micros baseline, Micros warmup, Micros saturation,
                      Micros bidirectional, Micros bidirectional_skip) {
  PhasePlan p;
  p.name = std::move(name);
  p.phases = {
      {"baseline", "Baseline", baseline, PhaseLoad::None, true, false, 0},
      {"download_warmup", "Download warm-up", warmup, PhaseLoad::Download, false, true, 0},
      {"download", "Download", saturation, PhaseLoad::Download, true, false, 0},
      {"upload_warmup", "Upload warm-up", warmup, PhaseLoad::Upload, false, true, 0},
      {"upload", "Upload", saturation, PhaseLoad::Upload, true, false, 0},
      {"bidirectional", "Bidirectional", bidirectional, PhaseLoad::Both, true, false, bidirectional_skip},
  };
  return p;
}

}  // namespace

Micros PhasePlan::total_duration_us() const {
  Micros total = 0;
  for (const auto& ph : phases) total += ph.duration_us;
  return total;
}

const PhaseSpec* PhasePlan::find(const std::string& phase_name) const {
  for (const auto& ph : phases)
    if (ph.name == phase_name) return &ph;
  return nullptr;
}

PhasePlan standard_plan() {
  return shaped_plan("standard", 5 * kSecond, 5 * kSecond, 10 * kSecond, 5 * kSecond, kSecond);
}

PhasePlan quick_plan() {
  // Warm-ups of 3 s: "not saturated" compares a warm-up's last second with
  // the one before, and a warm-up's first second holds the connections'
  // set-up, so a 2 s warm-up would flag every test.
  return shaped_plan("quick", 2 * kSecond, 3 * kSecond, 3 * kSecond, 3 * kSecond, kSecond / 2);
}

bool plan_by_name(const std::string& name, PhasePlan& out) {
  if (name == "standard") { out = standard_plan(); return true; }
  if (name == "quick") { out = quick_plan(); return true; }
  return false;
}

std::string_view to_string(Direction d) { return d == Direction::Download ? "download" : "upload"; }

std::string_view to_string(PhaseLoad l) {
  switch (l) {
    case PhaseLoad::None: return "none";
    case PhaseLoad::Download: return "download";
    case PhaseLoad::Upload: return "upload";
    case PhaseLoad::Both: return "both";
  }
  return "none";
}

bool direction_from_string(std::string_view s, Direction& out) {
  if (s == "download") { out = Direction::Download; return true; }
  if (s == "upload") { out = Direction::Upload; return true; }
  return false;
}

bool phase_load_from_string(std::string_view s, PhaseLoad& out) {
  for (auto l : {PhaseLoad::None, PhaseLoad::Download, PhaseLoad::Upload, PhaseLoad::Both})
    if (to_string(l) == s) { out = l; return true; }
  return false;
}

}  // namespace bloatmeter
