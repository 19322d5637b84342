#pragma once
// How `bloatmeter test` and `bloatmeter household` start: Ctrl-C is caught
// from the first moment, and the probe lane is resolved and connected with
// the same errors and exit codes in both.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "bloatmeter/plan.hpp"
#include "probe_connection.hpp"
#include "run_options.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

// SIGINT and SIGTERM, owned from the start of a run command. Why: a signal
// that arrived before a test's driver existed took the default action and
// killed the process, leaving the result file it had already opened empty.
// Armed, a signal calls `on_stop` on the I/O thread; disarmed (a pending
// wait would keep io_context::run from returning), a signal is queued and
// reaches the next arm. A signal within kEcho of the one before is taken
// for the same Ctrl-C (see forget_pending) and ignored.
class StopSignals {
 public:
  explicit StopSignals(boost::asio::io_context& io);
  ~StopSignals();
  void arm(std::function<void()> on_stop);
  void disarm();
  // Drops signals that arrived while disarmed, so that the next arm waits
  // for a new one. Why: a Ctrl-C the test already acted on can reach the
  // process twice (directly and through its process group, as `timeout`
  // sends it), and the second must not stop the submission that follows.
  void forget_pending();
  bool received() const { return received_; }

  static constexpr auto kEcho = std::chrono::seconds(1);

 private:
  boost::asio::io_context& io_;
  std::optional<boost::asio::signal_set> signals_;  // always set until the destructor
  bool received_ = false;
  std::chrono::steady_clock::time_point last_;
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

// A run command's arguments, or nothing with `exit_code` set: bad arguments
// (usage error, reason on `err`) or --help (`usage` printed on `out`).
std::optional<RunOptions> parse_run_command(const std::vector<std::string>& args, const char* command,
                                            OptionSet allowed, const char* usage, std::ostream& out,
                                            std::ostream& err, int& exit_code);

// Everything a run command has before its test starts: the server's URL,
// the I/O context, Ctrl-C caught, TLS when the URL asks for it, and the
// probe lane connected. Not movable (it owns the I/O context).
class NativeUdpLane;

struct RunStart {
  ServerUrl url;
  boost::asio::io_context io{1};
  StopSignals stops{io};
  std::optional<boost::asio::ssl::context> tls;
  StartedLane lane;
  // The UDP series (udp_lane.hpp): open, or saying why not.
  std::unique_ptr<NativeUdpLane> udp;

  explicit RunStart(ServerUrl u);
  ~RunStart();
  boost::asio::ssl::context* tls_context() { return tls ? &*tls : nullptr; }
};

// Checks the URL and that the result files (--json, --flent) can be
// written, and makes the TLS context the URL needs: what every run command
// does first. Nothing and `exit_code` set on failure, with the reason on
// `err`.
std::unique_ptr<RunStart> prepare_run(const RunOptions& options, const char* command, std::ostream& err,
                                      int& exit_code);

// prepare_run, then
// connects the probe lane and asks for the UDP series' session (for the
// length of `plan`; never fatal: a lane that cannot open says why in the
// result). Why the file first: a test that cannot save its result should
// fail before it runs, not after. Nothing and `exit_code` set on failure,
// with the reason (prefixed with `command`) on `err`.
std::unique_ptr<RunStart> start_run(const RunOptions& options, const PhasePlan& plan, const char* command,
                                    std::ostream& err, int& exit_code);

}  // namespace bloatmeter::cli
