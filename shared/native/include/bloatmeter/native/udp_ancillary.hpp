#pragma once
// What the kernel says about a UDP datagram beside its bytes (ancillary
// data), and what the server's responder says back when it answers (the
// client reads the same figures of the replies): the TOS /
// traffic class byte a request arrived with (IP_RECVTOS, IPV6_RECVTCLASS:
// the DSCP and ECN marks the path left on it), and the local address it was
// sent to (IP_PKTINFO, IPV6_RECVPKTINFO), so a socket bound to every
// address answers from the one the client wrote to. A client whose socket
// is connected would otherwise discard a reply from another of the
// server's addresses.
#include <sys/socket.h>

#include <netinet/in.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace bloatmeter::native {

struct DatagramAncillary {
  std::optional<std::uint8_t> tos;       // DSCP << 2 | ECN
  std::optional<in_pktinfo> ipv4_to;     // an IPv4 request's destination (on either socket)
  std::optional<in6_pktinfo> ipv6_to;    // an IPv6 request's destination
};

// Room for what enable_ancillary asks for, aligned as cmsghdr needs.
struct alignas(cmsghdr) AncillaryBuffer {
  std::array<unsigned char, 256> bytes{};
};

// Asks the kernel for a datagram's TOS and destination on `fd`, a socket of
// `ipv6` or IPv4. On an IPv6 socket the IPv4 options are asked for too
// (for IPv4 clients of a dual-stack socket); where the system refuses one,
// that figure is simply absent. Returns false only when none was taken.
bool enable_ancillary(int fd, bool ipv6);

// Reads the figures out of a received message's control data.
DatagramAncillary read_ancillary(const msghdr& received);

// Writes into `out` the control data that makes a reply leave from the
// address the request came to, marked with `tos` when given (the TOS byte
// the request asked its reply to carry); sets `reply`'s msg_control and
// msg_controllen (none when there is nothing to say). The request's family
// picks the option: IP_TOS for an IPv4 client (also on a dual-stack
// socket), IPV6_TCLASS for an IPv6 one.
void write_reply_control(const DatagramAncillary& request, std::optional<std::uint8_t> tos, bool ipv6_client,
                         AncillaryBuffer& out, msghdr& reply);

}  // namespace bloatmeter::native
