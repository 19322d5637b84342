#include "open_file_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace bloatmeter::server {

int connections_within(int max_connections, std::uint64_t descriptor_limit) {
  const auto reserved = std::min(kReservedDescriptors, descriptor_limit / 4);
  const auto room = descriptor_limit - reserved;
  return static_cast<int>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(room, static_cast<std::uint64_t>(max_connections))));
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return RLIM_INFINITY;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= limit.rlim_max) return limit.rlim_cur;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  return setrlimit(RLIMIT_NOFILE, &raised) == 0 ? raised.rlim_cur : limit.rlim_cur;
}

}  // namespace bloatmeter::server
