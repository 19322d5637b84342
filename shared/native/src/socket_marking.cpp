#include "bloatmeter/native/socket_marking.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <algorithm>

namespace bloatmeter::native {

std::optional<std::uint8_t> set_socket_tos(int fd, bool ipv6_socket, bool ipv4_peer, std::uint8_t tos) {
  const int value = tos;
  const bool v4_ok = ::setsockopt(fd, IPPROTO_IP, IP_TOS, &value, sizeof value) == 0;
  const bool v6_ok = ipv6_socket && ::setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &value, sizeof value) == 0;
  int got = 0;
  socklen_t len = sizeof got;
  if (ipv6_socket && !ipv4_peer) {
    if (!v6_ok || ::getsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &got, &len) != 0) return std::nullopt;
  } else {
    if (!v4_ok || ::getsockopt(fd, IPPROTO_IP, IP_TOS, &got, &len) != 0) return std::nullopt;
  }
  return static_cast<std::uint8_t>(got & 0xFF);
}

std::optional<int> set_socket_dscp(int fd, bool ipv6_socket, bool ipv4_peer, int dscp) {
  if (dscp < 0 || dscp > 63) return std::nullopt;
  const auto tos = set_socket_tos(fd, ipv6_socket, ipv4_peer, static_cast<std::uint8_t>(dscp << 2));
  if (!tos) return std::nullopt;
  return *tos >> 2;
}

bool set_pacing_rate(int fd, std::uint64_t bytes_per_s) {
#ifdef SO_MAX_PACING_RATE
  // The option is 32 bits wide on most systems; 64 where the kernel reads 64.
  const auto rate = static_cast<unsigned int>(std::min<std::uint64_t>(bytes_per_s, 0xFFFFFFFFu));
  return ::setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof rate) == 0;
#else
  (void)fd;
  (void)bytes_per_s;
  return false;
#endif
}

}  // namespace bloatmeter::native
