#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>

#include "server_options.hpp"

namespace bloatmeter::server {

// What every session may read: the options and the server's counters.
// Nothing here is mutable except atomics, so sessions never contend.
struct ServerContext {
  explicit ServerContext(ServerOptions opts)
      : options(std::move(opts)), started(std::chrono::steady_clock::now()) {}

  ServerOptions options;
  std::chrono::steady_clock::time_point started;
  std::filesystem::path web_root;  // canonical
  std::atomic<int> active_connections{0};

  double uptime_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

// Counts a connection for its lifetime (RAII member of each session).
class ConnectionCount {
 public:
  explicit ConnectionCount(ServerContext& ctx) : ctx_(ctx) { ++ctx_.active_connections; }
  ~ConnectionCount() { --ctx_.active_connections; }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  ServerContext& ctx_;
};

}  // namespace bloatmeter::server
