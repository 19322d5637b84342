#include "socket_tuning.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

namespace bloatmeter::server {

bool set_notsent_lowat(tcp::socket& socket, std::size_t bytes) {
#ifdef TCP_NOTSENT_LOWAT
  const int value = static_cast<int>(bytes);
  return ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &value, sizeof value) == 0;
#else
  (void)socket;
  (void)bytes;
  return false;
#endif
}

std::uint64_t kernel_unsent_bytes(tcp::socket& socket) {
#ifdef SIOCOUTQNSD
  int unsent = 0;
  if (::ioctl(socket.native_handle(), SIOCOUTQNSD, &unsent) == 0 && unsent > 0) return static_cast<std::uint64_t>(unsent);
#else
  (void)socket;
#endif
  return 0;
}

}  // namespace bloatmeter::server
