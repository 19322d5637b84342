#include "bloatmeter/native/kernel_unsent.hpp"

#include <sys/ioctl.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

namespace bloatmeter::native {

std::uint64_t kernel_unsent_bytes(int fd) {
#ifdef SIOCOUTQNSD
  int unsent = 0;
  if (::ioctl(fd, SIOCOUTQNSD, &unsent) == 0 && unsent > 0) return static_cast<std::uint64_t>(unsent);
#else
  (void)fd;
#endif
  return 0;
}

}  // namespace bloatmeter::native
