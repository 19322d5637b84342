#include "open_file_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace bloatmeter::server {

int connections_within(int max_connections, std::uint64_t descriptor_limit) {
  const auto reserved = std::min(kReservedDescriptors, descriptor_limit / 4);
  const auto room = descriptor_limit - reserved;
  return static_cast<int>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(room, static_cast<std::uint64_t>(max_connections))));
}

OpenFileLimit raise_open_file_limit() {
  OpenFileLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
  out.before = out.after = limit.rlim_cur;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= limit.rlim_max) return out;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) out.after = raised.rlim_cur;
  return out;
}

}  // namespace bloatmeter::server
