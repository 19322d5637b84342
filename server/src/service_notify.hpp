#pragma once
// Telling systemd how the service is (a unit with Type=notify and
// WatchdogSec: contrib/systemd/bloatmeter.service). The protocol is
// sd_notify(3)'s, written here without libsystemd: one datagram of
// "KEY=value" lines to the socket NOTIFY_SOCKET names. Outside systemd
// (no NOTIFY_SOCKET) every call does nothing.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "http_types.hpp"

namespace bloatmeter::server {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET, and WATCHDOG_USEC with WATCHDOG_PID (when given,
  // the watchdog is this process's only if the pid is ours).
  static ServiceNotifier from_environment();

  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..."):
  // best effort, an error is returned as text and nothing more happens.
  std::string send(const std::string& state) const;
  // How often to ping: half the watchdog's timeout, as sd_watchdog_enabled
  // advises. Nothing when systemd set no watchdog for this process.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  std::string socket_path_;  // "@name" for an abstract socket
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

// Pings systemd's watchdog every interval, but only while every loop in
// `loops` (the I/O threads, the probe thread, the results thread) ran a
// task posted to it since the last ping: a loop stuck in one handler stops
// the pings and systemd restarts the service. The timer runs on
// `timer_executor`; it ends when that executor's context stops.
void keep_watchdog(const ServiceNotifier& notifier, net::any_io_executor timer_executor,
                   std::vector<net::any_io_executor> loops);

}  // namespace bloatmeter::server
