#pragma once
// What the network did to a flow's marking (RRUL2013: "test for
// classification preservation and alteration", "test for ECT(0) and
// ECT(1) ECN markings"). The sender sets a TOS byte (DSCP in its upper six
// bits, ECN in its lower two); the receiver reads what arrived on each
// datagram (IP_RECVTOS / IPV6_RECVTCLASS). The verdicts compare the two.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bloatmeter {

// The four classes RRUL's flows carry, as Flent marks them.
// (Enumerators in mixed case: termios.h defines CS5 as a macro.)
enum class DscpClass { Be, Cs1, Cs5, Ef };
int dscp_of(DscpClass c);  // 0, 8, 40, 46
std::string_view to_string(DscpClass c);
std::optional<DscpClass> dscp_class_from_string(std::string_view s);

enum class IpFamily { V4, V6 };
std::string_view to_string(IpFamily f);  // "ipv4", "ipv6"
std::optional<IpFamily> ip_family_from_string(std::string_view s);

inline int dscp_bits(std::uint8_t tos) { return tos >> 2; }
inline int ecn_bits(std::uint8_t tos) { return tos & 3; }
constexpr int kNotEct = 0, kEct1 = 1, kEct0 = 2, kCe = 3;

// preserved: every datagram arrived with the DSCP it was sent with;
// bleached: every one with 0 (the sender's was not); remarked: every one
// with one other value; mixed: the path changed some and not others (a
// policer, two paths); unknown: no datagram said what it carried.
enum class MarkingVerdict { Preserved, Bleached, Remarked, Mixed, Unknown };
std::string_view to_string(MarkingVerdict v);

struct DscpCheck {
  int sent = 0;
  std::size_t seen = 0;    // datagrams whose TOS the receiver read
  std::size_t kept = 0;    // ... with the sent DSCP
  std::size_t zeroed = 0;  // ... with 0 where the sender's was not
  std::size_t other = 0;   // ... with another value
  MarkingVerdict verdict = MarkingVerdict::Unknown;
};
// `seen`: the TOS byte each received datagram arrived with, absent where
// the receiver could not read it.
DscpCheck check_dscp(int sent_dscp, std::span<const std::optional<std::uint8_t>> seen);

// survived: every datagram arrived with the ECN codepoint it was sent with,
// or CE (an AQM on the way marked it: ECN worked); cleared: every one with
// Not-ECT; changed: every one with another ECT codepoint; mixed, unknown:
// as above. For a flow sent Not-ECT, "changed" means something set ECT.
enum class EcnVerdict { Survived, Cleared, Changed, Mixed, Unknown };
std::string_view to_string(EcnVerdict v);

struct EcnCheck {
  int sent = 0;
  std::size_t seen = 0, kept = 0, ce = 0, cleared = 0, other = 0;
  EcnVerdict verdict = EcnVerdict::Unknown;
};
EcnCheck check_ecn(int sent_ecn, std::span<const std::optional<std::uint8_t>> seen);

}  // namespace bloatmeter
