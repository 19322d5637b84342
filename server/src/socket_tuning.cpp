#include "socket_tuning.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

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

}  // namespace bloatmeter::server
