#pragma once
// How `bloatmeter test` and `bloatmeter household` start: Ctrl-C is caught
// from the first moment, and the probe lane is resolved and connected with
// the same errors and exit codes in both.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "probe_connection.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

// SIGINT and SIGTERM, owned from the start of a run command. Why: a signal
// that arrived before a test's driver existed took the default action and
// killed the process, leaving the result file it had already opened empty.
// Armed, a signal calls `on_stop` on the I/O thread; disarmed (a pending
// wait would keep io_context::run from returning), a signal is queued and
// reaches the next arm.
class StopSignals {
 public:
  explicit StopSignals(boost::asio::io_context& io);
  void arm(std::function<void()> on_stop);
  void disarm();
  bool received() const { return received_; }

 private:
  boost::asio::signal_set signals_;
  bool received_ = false;
};

struct StartedLane {
  boost::asio::ip::tcp::resolver::results_type endpoints;
  std::shared_ptr<ProbeConnection> probe;
};

// Resolves the server and connects the probe lane, running `io` until it is
// connected, fails, or a stop signal arrives. On failure writes the reason
// (prefixed with `command`) to `err`, sets `exit_code` and returns nothing.
std::optional<StartedLane> start_probe_lane(boost::asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                            boost::asio::ssl::context* tls, bool insecure, const char* command,
                                            std::ostream& err, int& exit_code);

}  // namespace bloatmeter::cli
