#include "run_start.hpp"

#include <csignal>

#include "exit_codes.hpp"
#include "result_file.hpp"
#include "tls_client.hpp"
#include "udp_lane.hpp"

namespace bloatmeter::cli {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

RunStart::RunStart(ServerUrl u) : url(std::move(u)) {}
RunStart::~RunStart() = default;

StopSignals::StopSignals(asio::io_context& io) : io_(io) { signals_.emplace(io, SIGINT, SIGTERM); }

StopSignals::~StopSignals() {
  // The set's end gives the signals their default action back. After a
  // stop the process is ending: a Ctrl-C's echo (the second copy `timeout`
  // sends its process group) that comes this late must not kill it and
  // turn the exit code into 130; the result is already written.
  signals_.reset();
  if (received_) {
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
  }
}

void StopSignals::arm(std::function<void()> on_stop) {
  signals_->async_wait([this, on_stop = std::move(on_stop)](const boost::system::error_code& ec, int) mutable {
    if (ec) return;  // disarmed
    const auto now = std::chrono::steady_clock::now();
    if (received_ && now - last_ < kEcho) return arm(std::move(on_stop));
    received_ = true;
    last_ = now;
    on_stop();
  });
}

void StopSignals::disarm() {
  boost::system::error_code ec;
  signals_->cancel(ec);
}

void StopSignals::forget_pending() {
  // A signal reaches the set when the I/O context next runs: run it until
  // nothing is ready (the caller has no other work in it). Clearing the
  // set then drops its queued signals; a second set holds them meanwhile,
  // so that they never take their default action (ending the process).
  io_.restart();
  io_.poll();
  io_.restart();
  asio::signal_set hold(io_, SIGINT, SIGTERM);
  boost::system::error_code ec;
  signals_->clear(ec);
  signals_->add(SIGINT, ec);
  signals_->add(SIGTERM, ec);
}

std::optional<StartedLane> start_probe_lane(asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                            asio::ssl::context* tls, bool insecure, const char* command,
                                            std::ostream& err, int& exit_code) {
  StartedLane lane;
  {
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    lane.endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) {
      err << "bloatmeter " << command << ": cannot reach " << url.origin() << ": " << ec.message() << "\n";
      exit_code = kExitUnreachable;
      return std::nullopt;
    }
  }
  lane.probe = make_probe_connection(io, url, lane.endpoints, tls, !insecure);
  std::string connect_error = "timed out";
  bool connected = false;
  // Stopping here abandons the connect: io.stop() leaves its handlers
  // unrun, and they are destroyed with the connection and io_context.
  stops.arm([&io] { io.stop(); });
  lane.probe->connect([&](const std::string& e) {
    connected = e.empty();
    connect_error = e;
    stops.disarm();
  });
  io.run();
  io.restart();
  if (stops.received()) {
    err << "bloatmeter " << command << ": stopped by the user before the test started\n";
    exit_code = kExitAborted;
    return std::nullopt;
  }
  if (!connected && connect_error.starts_with("the test server is busy")) {
    // The server answered and cannot take another test now: say so, and
    // when to try again (its Retry-After), rather than "cannot reach".
    err << "bloatmeter " << command << ": " << connect_error << "\n";
    exit_code = kExitUnreachable;
    return std::nullopt;
  }
  if (!connected) {
    err << "bloatmeter " << command << ": cannot reach " << url.origin() << ": " << connect_error << "\n";
    if (url.secure && !insecure && connect_error.find("certificate") != std::string::npos)
      err << "  (a self-signed test server? add --insecure)\n";
    exit_code = kExitUnreachable;
    return std::nullopt;
  }
  return lane;
}

std::optional<RunOptions> parse_run_command(const std::vector<std::string>& args, const char* command,
                                            OptionSet allowed, const char* usage, std::ostream& out,
                                            std::ostream& err, int& exit_code) {
  std::string error;
  auto options = parse_run_options(args, command, allowed, error);
  if (!options) {
    err << "bloatmeter " << command << ": " << error << " (see bloatmeter " << command << " --help)\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (options->help) {
    out << usage;
    exit_code = kExitDone;
    return std::nullopt;
  }
  return options;
}

std::unique_ptr<RunStart> prepare_run(const RunOptions& options, const char* command, std::ostream& err,
                                      int& exit_code) {
  std::string error;
  auto url = parse_server_url(options.url, error);
  if (!url) {
    err << "bloatmeter " << command << ": " << error << "\n";
    exit_code = kExitUsage;
    return nullptr;
  }
  for (const auto* file : {&options.json_file, &options.flent_file})
    if (!file->empty() && !result_file_writable(*file)) {
      err << "bloatmeter " << command << ": cannot write " << *file << "\n";
      exit_code = kExitUsage;
      return nullptr;
    }
  auto run = std::make_unique<RunStart>(std::move(*url));
  if (run->url.secure) run->tls.emplace(make_tls_context(!options.insecure));
  return run;
}

std::unique_ptr<RunStart> start_run(const RunOptions& options, const PhasePlan& plan, const char* command,
                                    std::ostream& err, int& exit_code) {
  auto run = prepare_run(options, command, err, exit_code);
  if (!run) return nullptr;
  auto lane = start_probe_lane(run->io, run->stops, run->url, run->tls_context(), options.insecure, command, err,
                               exit_code);
  if (!lane) return nullptr;
  run->lane = std::move(*lane);
  if (!options.udp) {
    UdpLaneStart off;
    off.status = UdpSeriesStatus::Off;
    off.reason = "turned off (--no-udp)";
    run->udp = std::make_unique<NativeUdpLane>(run->io, std::move(off));
    return run;
  }
  run->udp = NativeUdpLane::open(run->io, run->stops, run->url, run->tls_context(), !options.insecure, plan);
  if (!run->udp) {
    err << "bloatmeter " << command << ": stopped by the user before the test started\n";
    exit_code = kExitAborted;
    return nullptr;
  }
  return run;
}

}  // namespace bloatmeter::cli
