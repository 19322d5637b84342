#include <array>

#include "bloatmeter/result.hpp"

namespace bloatmeter {
namespace {
struct FlagText {
  Flag flag;
  std::string_view id;
  std::string_view sentence;
};
constexpr std::array<FlagText, 6> kFlags = {{
    {Flag::ClientBusy, "client_busy", "This device was too busy: its timers ran late, so it partly measured itself."},
    {Flag::ServerBusy, "server_busy", "The test server was too busy to answer probes at once."},
    {Flag::TooFewProbes, "too_few_probes", "Fewer than half of the latency probes were answered in a graded phase."},
    {Flag::NotSaturated, "not_saturated", "Throughput was still rising at the end of warm-up: the link may not have been filled."},
    {Flag::Aborted, "aborted", "The test ended early; this is a partial result."},
    {Flag::ClientDelay, "client_delay",
     "While one direction was loaded, the other direction's delay rose too: part of the latency measured was this "
     "device's own (or other traffic), not the line's queue."},
}};
}  // namespace

std::string_view to_string(Flag f) { return kFlags[static_cast<std::size_t>(f)].id; }
std::string_view describe(Flag f) { return kFlags[static_cast<std::size_t>(f)].sentence; }

std::optional<Flag> flag_from_string(std::string_view s) {
  for (const auto& f : kFlags)
    if (f.id == s) return f.flag;
  return std::nullopt;
}

const PhaseSummary* Summary::phase(const std::string& name) const {
  for (const auto& p : phases)
    if (p.name == name) return &p;
  return nullptr;
}

Summary::HeldProbes Summary::held_probes() const {
  HeldProbes out;
  for (const auto& p : phases)
    if (p.graded) out.held += p.probes_held, out.answered += p.probes_answered;
  return out;
}

}  // namespace bloatmeter
