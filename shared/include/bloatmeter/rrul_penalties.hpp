#pragma once
// RRUL2013's bandwidth shares and "bad behaviours" (the specification's
// penalty list): what a score cannot weigh, reported one by one and never
// subtracted from it. Rules and thresholds: docs/method-notes.md, "The RRUL
// score".
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/plan.hpp"
#include "bloatmeter/rrul_marking.hpp"

namespace bloatmeter {

// One TCP load flow's figures under load (after the PowerBoost skip).
struct RrulTcpFlow {
  DscpClass cls = DscpClass::Be;
  IpFamily family = IpFamily::V4;
  Direction direction = Direction::Download;
  double mbps = 0;
  std::optional<double> slew_ms;  // connected minus planned start; absent: never connected
};

// The specification's ideal: background (CS1) at 5 % or less of the
// bandwidth but not starved, expedited (EF) at 30 % or less.
struct RrulShareParams {
  double cs1_max = 0.05, cs1_min = 0.005, ef_max = 0.30;
};

struct RrulDirectionShares {
  Direction direction = Direction::Download;
  double total_mbps = 0;
  std::optional<double> ef_share, cs1_share;  // 0..1; absent when nothing moved
  bool cs1_ideal = false;                     // cs1_min <= share <= cs1_max
  bool ef_ideal = false;                      // share <= ef_max
};
std::vector<RrulDirectionShares> rrul_shares(const std::vector<RrulTcpFlow>& flows, const RrulShareParams& p = {});

struct RrulPenaltyParams {
  double syn_slew_ms = 900;   // a lost SYN costs the first retransmission timeout, 1 s
  double ef_dominates = 0.5;  // EF's share of a direction above this
  double cs1_as_be = 0.8;     // CS1 at this fraction of BE or more: not held back
  double unequal_ratio = 2;   // flows that should share alike, apart by more than this factor
  double huge_delay_ms = 100; // a direction's one-way delay rise under load above this
};

enum class RrulPenaltyId { SynSlew, EfDominates, Cs1AsBe, UnequalTcp, HugeDelayUp, HugeDelayDown, NoIpv6 };
std::string_view to_string(RrulPenaltyId id);

struct RrulPenalty {
  RrulPenaltyId id;
  std::string detail;  // a sentence with the figures that raised it
};

// The one-way delay rise under load per direction (VoIP BE, the primary
// family), when measured.
struct RrulDelayRise {
  std::optional<double> up_ms, down_ms;
};

std::vector<RrulPenalty> rrul_penalties(const std::vector<RrulTcpFlow>& flows, const RrulDelayRise& rise,
                                        bool ipv6_reachable, const RrulPenaltyParams& p = {});

}  // namespace bloatmeter
