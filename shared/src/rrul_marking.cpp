#include "bloatmeter/rrul_marking.hpp"

#include <array>

namespace bloatmeter {
namespace {

constexpr std::array<std::string_view, 4> kClassNames = {"BE", "CS1", "CS5", "EF"};
constexpr std::array<int, 4> kClassDscp = {0, 8, 40, 46};

}  // namespace

int dscp_of(DscpClass c) { return kClassDscp[static_cast<std::size_t>(c)]; }
std::string_view to_string(DscpClass c) { return kClassNames[static_cast<std::size_t>(c)]; }

std::optional<DscpClass> dscp_class_from_string(std::string_view s) {
  for (std::size_t i = 0; i < kClassNames.size(); ++i)
    if (kClassNames[i] == s) return static_cast<DscpClass>(i);
  return std::nullopt;
}

std::string_view to_string(IpFamily f) { return f == IpFamily::V4 ? "ipv4" : "ipv6"; }

std::optional<IpFamily> ip_family_from_string(std::string_view s) {
  if (s == "ipv4") return IpFamily::V4;
  if (s == "ipv6") return IpFamily::V6;
  return std::nullopt;
}

std::string_view to_string(MarkingVerdict v) {
  static constexpr std::array<std::string_view, 5> kNames = {"preserved", "bleached", "remarked", "mixed", "unknown"};
  return kNames[static_cast<std::size_t>(v)];
}

std::string_view to_string(EcnVerdict v) {
  static constexpr std::array<std::string_view, 5> kNames = {"survived", "cleared", "changed", "mixed", "unknown"};
  return kNames[static_cast<std::size_t>(v)];
}

DscpCheck check_dscp(int sent_dscp, std::span<const std::optional<std::uint8_t>> seen) {
  DscpCheck c;
  c.sent = sent_dscp;
  std::optional<int> first_other;
  bool one_other = true;
  for (const auto& tos : seen) {
    if (!tos) continue;
    ++c.seen;
    const int dscp = dscp_bits(*tos);
    if (dscp == sent_dscp) {
      ++c.kept;
    } else if (dscp == 0) {
      ++c.zeroed;
    } else {
      ++c.other;
      if (!first_other) first_other = dscp;
      else if (*first_other != dscp) one_other = false;
    }
  }
  if (c.seen == 0) c.verdict = MarkingVerdict::Unknown;
  else if (c.kept == c.seen) c.verdict = MarkingVerdict::Preserved;
  else if (c.zeroed == c.seen) c.verdict = MarkingVerdict::Bleached;
  else if (c.other == c.seen && one_other) c.verdict = MarkingVerdict::Remarked;
  else c.verdict = MarkingVerdict::Mixed;
  return c;
}

EcnCheck check_ecn(int sent_ecn, std::span<const std::optional<std::uint8_t>> seen) {
  EcnCheck c;
  c.sent = sent_ecn;
  for (const auto& tos : seen) {
    if (!tos) continue;
    ++c.seen;
    const int ecn = ecn_bits(*tos);
    if (ecn == sent_ecn) ++c.kept;
    else if (ecn == kCe && sent_ecn != kNotEct) ++c.ce;
    else if (ecn == kNotEct) ++c.cleared;
    else ++c.other;
  }
  if (c.seen == 0) c.verdict = EcnVerdict::Unknown;
  else if (c.kept + c.ce == c.seen) c.verdict = EcnVerdict::Survived;
  else if (c.cleared == c.seen) c.verdict = EcnVerdict::Cleared;
  else if (c.other == c.seen) c.verdict = EcnVerdict::Changed;
  else c.verdict = EcnVerdict::Mixed;
  return c;
}

}  // namespace bloatmeter
