#include "bloatmeter/rrul_penalties.hpp"

#include <algorithm>
#include <array>

#include "figure_text.hpp"

namespace bloatmeter {
namespace {

using detail::figure_text;

const char* direction_word(Direction d) { return d == Direction::Download ? "downstream" : "upstream"; }

std::string flow_name(const RrulTcpFlow& f) {
  return std::string(to_string(f.cls)) + " " + std::string(to_string(f.family)) + " " + direction_word(f.direction);
}

double class_mbps(const std::vector<RrulTcpFlow>& flows, Direction d, DscpClass c, std::optional<IpFamily> family = {}) {
  double sum = 0;
  for (const auto& f : flows)
    if (f.direction == d && f.cls == c && (!family || f.family == *family)) sum += f.mbps;
  return sum;
}

bool has_class(const std::vector<RrulTcpFlow>& flows, Direction d, DscpClass c, std::optional<IpFamily> family = {}) {
  return std::any_of(flows.begin(), flows.end(), [&](const RrulTcpFlow& f) {
    return f.direction == d && f.cls == c && (!family || f.family == *family);
  });
}

// a / b apart by more than `limit` either way (a starved side counts as
// infinitely apart).
bool apart(double a, double b, double limit) {
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi > 0 && (lo <= 0 || hi / lo > limit);
}

}  // namespace

std::string_view to_string(RrulPenaltyId id) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "syn_slew", "ef_dominates", "cs1_as_be", "unequal_tcp", "huge_delay_up", "huge_delay_down", "no_ipv6"};
  return kNames[static_cast<std::size_t>(id)];
}

std::vector<RrulDirectionShares> rrul_shares(const std::vector<RrulTcpFlow>& flows, const RrulShareParams& p) {
  std::vector<RrulDirectionShares> out;
  for (Direction d : {Direction::Download, Direction::Upload}) {
    if (std::none_of(flows.begin(), flows.end(), [&](const RrulTcpFlow& f) { return f.direction == d; })) continue;
    RrulDirectionShares s;
    s.direction = d;
    for (const auto& f : flows)
      if (f.direction == d) s.total_mbps += f.mbps;
    if (s.total_mbps > 0) {
      s.ef_share = class_mbps(flows, d, DscpClass::Ef) / s.total_mbps;
      s.cs1_share = class_mbps(flows, d, DscpClass::Cs1) / s.total_mbps;
      s.cs1_ideal = *s.cs1_share >= p.cs1_min && *s.cs1_share <= p.cs1_max;
      s.ef_ideal = *s.ef_share <= p.ef_max;
    }
    out.push_back(s);
  }
  return out;
}

std::vector<RrulPenalty> rrul_penalties(const std::vector<RrulTcpFlow>& flows, const RrulDelayRise& rise,
                                        bool ipv6_reachable, const RrulPenaltyParams& p) {
  std::vector<RrulPenalty> out;
  for (const auto& f : flows)
    if (!f.slew_ms || *f.slew_ms >= p.syn_slew_ms) {
      out.push_back({RrulPenaltyId::SynSlew,
                     f.slew_ms ? "The " + flow_name(f) + " flow started " + figure_text("%.0f", *f.slew_ms) +
                                     " ms late: its first SYN was probably lost."
                               : "The " + flow_name(f) + " flow never connected."});
    }
  for (const auto& s : rrul_shares(flows)) {
    if (s.ef_share && *s.ef_share > p.ef_dominates)
      out.push_back({RrulPenaltyId::EfDominates, std::string("EF took ") + figure_text("%.0f", *s.ef_share * 100) +
                                                     " % of the " + direction_word(s.direction) + " bandwidth."});
    const double be = class_mbps(flows, s.direction, DscpClass::Be), cs1 = class_mbps(flows, s.direction, DscpClass::Cs1);
    if (has_class(flows, s.direction, DscpClass::Cs1) && be > 0 && cs1 >= p.cs1_as_be * be)
      out.push_back({RrulPenaltyId::Cs1AsBe, std::string("Background traffic (CS1) got ") + figure_text("%.0f", cs1 / be * 100) +
                                                 " % of best effort's " + direction_word(s.direction) +
                                                 ": it was not held back."});
  }
  for (Direction d : {Direction::Download, Direction::Upload}) {
    for (DscpClass c : {DscpClass::Be, DscpClass::Cs1, DscpClass::Cs5, DscpClass::Ef}) {
      if (!has_class(flows, d, c, IpFamily::V4) || !has_class(flows, d, c, IpFamily::V6)) continue;
      const double v4 = class_mbps(flows, d, c, IpFamily::V4), v6 = class_mbps(flows, d, c, IpFamily::V6);
      if (apart(v4, v6, p.unequal_ratio))
        out.push_back({RrulPenaltyId::UnequalTcp, std::string(to_string(c)) + " " + direction_word(d) + ": IPv4 " +
                                                      figure_text("%.1f", v4) + " Mbit/s against IPv6 " + figure_text("%.1f", v6) +
                                                      " Mbit/s."});
    }
    for (IpFamily fam : {IpFamily::V4, IpFamily::V6}) {
      if (!has_class(flows, d, DscpClass::Be, fam) || !has_class(flows, d, DscpClass::Cs5, fam)) continue;
      const double be = class_mbps(flows, d, DscpClass::Be, fam), cs5 = class_mbps(flows, d, DscpClass::Cs5, fam);
      if (apart(be, cs5, p.unequal_ratio))
        out.push_back({RrulPenaltyId::UnequalTcp, std::string("BE and CS5 ") + direction_word(d) + " over " +
                                                      std::string(to_string(fam)) + ": " + figure_text("%.1f", be) +
                                                      " against " + figure_text("%.1f", cs5) + " Mbit/s."});
    }
  }
  if (rise.up_ms && *rise.up_ms > p.huge_delay_ms)
    out.push_back({RrulPenaltyId::HugeDelayUp, "Upstream delay rose " + figure_text("%.0f", *rise.up_ms) + " ms under load."});
  if (rise.down_ms && *rise.down_ms > p.huge_delay_ms)
    out.push_back(
        {RrulPenaltyId::HugeDelayDown, "Downstream delay rose " + figure_text("%.0f", *rise.down_ms) + " ms under load."});
  if (!ipv6_reachable) out.push_back({RrulPenaltyId::NoIpv6, "The server could not be reached over IPv6."});
  return out;
}

}  // namespace bloatmeter
