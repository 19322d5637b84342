#pragma once
// Client addresses as the operator's side sees them: CIDR prefixes (trusted
// proxies, customer searches), the address behind a trusted reverse proxy,
// and what a telemetry row may keep of it (telemetry_store_ip).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bloatmeter::server {

// An address or a prefix, IPv4 kept as IPv4 (an IPv4-mapped IPv6 address is
// taken as the IPv4 address it carries).
struct IpPrefix {
  bool v4 = true;
  std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4
  int length = 32;                        // prefix bits
  bool contains(const IpPrefix& address) const;
  // "192.0.2.0/24", "2001:db8::/56"; a whole address has no "/N".
  std::string text() const;
};

// "192.0.2.7", "192.0.2.0/24", "2001:DB8:0::1", "[2001:db8::1]", "::ffff:192.0.2.7",
// "2001:db8::/48". Host bits under the prefix are cleared. Nothing on error.
std::optional<IpPrefix> parse_cidr(std::string_view text);

// The canonical text of an address in any notation (lower-case, RFC 5952
// shortest IPv6; IPv4-mapped IPv6 as IPv4), or nothing.
std::optional<std::string> canonical_ip(std::string_view text);

// The client's address: the peer's, unless the peer is one of `trusted`
// proxies, in which case the nearest untrusted address of the forwarding
// chain (Forwarded: for=..., else X-Forwarded-For), read from the right.
// Malformed headers leave the peer's address.
std::string client_address(const std::string& peer, std::string_view forwarded,
                           std::string_view x_forwarded_for, const std::vector<IpPrefix>& trusted);

// What a telemetry row keeps: the address, its /24 (IPv4) or /56 (IPv6)
// prefix, or "".
enum class IpKeeping { Full, Prefix, None };
std::string kept_address(const std::string& address, IpKeeping keeping);

}  // namespace bloatmeter::server
