#pragma once
// Every connection is a file descriptor. A server started from a shell or a
// systemd unit without LimitNOFILE gets a soft limit of 1024, so a crowd
// (or 2000 slowloris connections) would exhaust descriptors long before
// max_connections (4096) and accept() would fail for everyone, the running
// tests' new lanes included. At start the server raises its soft limit to
// the hard one, and if max_connections still does not fit it lowers the
// limit it enforces, so the crowd gets clean 503s instead.
#include <cstdint>
#include <string>

namespace bloatmeter::server {

// Descriptors kept for what is not a client connection: listeners, the
// database and its journal, static files being sent, webhook posts, the
// UDP lane, the event loops' own: 128, or a quarter of a smaller limit.
inline constexpr std::uint64_t kReservedDescriptors = 128;

// The max_connections that fits `descriptor_limit` (at least 1).
int connections_within(int max_connections, std::uint64_t descriptor_limit);

// Raises the process's soft RLIMIT_NOFILE to its hard limit; returns the
// soft limit in force afterwards.
std::uint64_t raise_open_file_limit();

}  // namespace bloatmeter::server
