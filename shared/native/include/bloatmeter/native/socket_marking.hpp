#pragma once
// Marks a socket's packets (and, for a capped test, paces them): the TOS byte (DSCP << 2 | ECN) IPv4 carries,
// the traffic class IPv6 carries. RRUL's flows are marked this way (the
// server's and the client's sockets both), before a TCP connection is made
// so its SYN carries the mark too.
#include <cstdint>
#include <optional>

namespace bloatmeter::native {

// Sets the byte for packets to an IPv4 peer (IP_TOS) and, on an IPv6
// socket, to an IPv6 peer (IPV6_TCLASS) as well: a dual-stack socket's
// IPv4 clients take IP_TOS. For TCP the kernel keeps the ECN bits its own.
// Returns the byte read back (the IPv6 one on an IPv6 socket unless
// `ipv4_peer`), or nothing when the system would not set it.
std::optional<std::uint8_t> set_socket_tos(int fd, bool ipv6_socket, bool ipv4_peer, std::uint8_t tos);

// The DSCP of set_socket_tos(fd, ..., dscp << 2), read back.
std::optional<int> set_socket_dscp(int fd, bool ipv6_socket, bool ipv4_peer, int dscp);

// Caps what the socket sends at `bytes_per_s` (SO_MAX_PACING_RATE: TCP
// paces itself to it). False where the system would not.
bool set_pacing_rate(int fd, std::uint64_t bytes_per_s);

}  // namespace bloatmeter::native
