#include "bloatmeter/rrul_samples.hpp"

namespace bloatmeter {

std::string_view to_string(RrulFamilyState s) {
  switch (s) {
    case RrulFamilyState::Used: return "used";
    case RrulFamilyState::Unreachable: return "unreachable";
    case RrulFamilyState::Off: return "off";
  }
  return "used";
}

std::optional<RrulFamilyState> rrul_family_state_from_string(std::string_view s) {
  for (auto v : {RrulFamilyState::Used, RrulFamilyState::Unreachable, RrulFamilyState::Off})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::string_view to_string(RrulUdpKind k) { return k == RrulUdpKind::Voip ? "voip" : "rr"; }

std::optional<RrulUdpKind> rrul_udp_kind_from_string(std::string_view s) {
  for (auto v : {RrulUdpKind::RequestResponse, RrulUdpKind::Voip})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<IpFamily> rrul_primary_family(const std::vector<RrulFamilyRecord>& families) {
  for (const auto& f : families)
    if (f.state == RrulFamilyState::Used) return f.family;
  return std::nullopt;
}

}  // namespace bloatmeter
