#include "test_command.hpp"

#include <chrono>
#include <iostream>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unistd.h>

#include "bloatmeter/single_user_session.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "result_file.hpp"
#include "run_options.hpp"
#include "run_finish.hpp"
#include "run_start.hpp"
#include "load_streams.hpp"
#include "probe_connection.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "server_url.hpp"
#include "tls_client.hpp"

namespace bloatmeter::cli {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

constexpr const char* kTestUsage = R"(Usage: bloatmeter test URL [options]

Runs the single-user bufferbloat test against a bloatmeter server: idle
latency, then latency while downloading, uploading and both, graded A+ to F.

  URL              the server, http://host[:port] or https://host[:port]
  --plan NAME      quick (17 s) or standard (40 s, the default)
  --json FILE      write the result file (the browser's format) to FILE
  --insecure       accept any TLS certificate (self-signed test servers)
  --help           print this help

Ctrl-C stops the test; the partial result is kept, marked aborted.
)";

constexpr auto kTickInterval = std::chrono::milliseconds(5);
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
constexpr int kLoadThreads = 2;

// The session's transport: probes on the probe lane, load on LoadStreams.
class NativeTransport : public TestTransport {
 public:
  NativeTransport(ProbeConnection& probe, LoadStreams& load) : probe_(probe), load_(load) {}
  void send_probe(std::uint32_t seq, Micros sent_us) override { probe_.send(seq, static_cast<std::uint64_t>(sent_us)); }
  int open_stream(Direction d) override { return load_.open(d); }
  std::uint64_t take_stream_bytes(int id) override { return load_.take_bytes(id); }
  std::optional<ServerSpan> stream_server_span(int id) override { return load_.server_span(id); }
  bool stream_lost(int id) override { return load_.lost(id); }
  void close_stream(int id) override { load_.close(id); }

 private:
  ProbeConnection& probe_;
  LoadStreams& load_;
};

// Drives the session on the probe lane's thread: ticks on time, stops on
// Ctrl-C or a lost lane, redraws progress.
class TestDriver {
 public:
  TestDriver(asio::io_context& io, SingleUserSession& session, ProbeConnection& probe, ProgressPrinter& progress,
             StopSignals& stops)
      : io_(io), session_(session), probe_(probe), progress_(progress), tick_(io), show_(io), stops_(stops) {}

  void run() {
    t0_ = Clock::now();
    probe_.start([this](const NativeEcho& e) { session_.on_echo(e.seq, at(e.received), e.server_recv_us, e.echo_delay_us); },
                 [this](const std::string&) { stop("the connection to the test server was lost"); });
    stops_.arm([this] { stop("stopped by the user"); });
    session_.begin();
    on_tick();
    on_show();
    io_.run();
  }

 private:
  Micros at(Clock::time_point t) const { return std::chrono::duration_cast<std::chrono::microseconds>(t - t0_).count(); }

  void on_tick() {
    session_.tick(at(Clock::now()));
    if (!session_.running()) return finish();
    // Wake for the next probe exactly, and at least every 5 ms for the load.
    const auto next_probe = t0_ + std::chrono::microseconds(session_.next_probe_due());
    tick_.expires_at(std::min(next_probe, Clock::now() + kTickInterval));
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  }

  void on_show() {
    if (!session_.running()) return;
    progress_.update(session_.live());
    show_.expires_after(kProgressInterval);
    show_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_show();
    });
  }

  void stop(const std::string& reason) {
    session_.abort(reason, at(Clock::now()));
    finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    tick_.cancel();
    show_.cancel();
    stops_.disarm();
    probe_.close();
    progress_.finish();
  }

 public:
  Clock::time_point t0() const { return t0_; }

 private:
  asio::io_context& io_;
  SingleUserSession& session_;
  ProbeConnection& probe_;
  ProgressPrinter& progress_;
  asio::steady_timer tick_;
  asio::steady_timer show_;
  StopSignals& stops_;
  Clock::time_point t0_;
  bool finished_ = false;
};

}  // namespace

int run_test(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string error;
  const auto options = parse_run_options(args, "test", false, error);
  if (!options) {
    err << "bloatmeter test: " << error << " (see bloatmeter test --help)\n";
    return kExitUsage;
  }
  if (options->help) {
    out << kTestUsage;
    return kExitDone;
  }
  PhasePlan plan;
  if (!plan_by_name(options->plan, plan)) {
    err << "bloatmeter test: unknown plan '" << options->plan << "' (quick or standard)\n";
    return kExitUsage;
  }
  const auto url = parse_server_url(options->url, error);
  if (!url) {
    err << "bloatmeter test: " << error << "\n";
    return kExitUsage;
  }
  // Fail on an unwritable result file now, not after the test.
  if (!options->json_file.empty() && !result_file_writable(options->json_file)) {
    err << "bloatmeter test: cannot write " << options->json_file << "\n";
    return kExitUsage;
  }

  asio::io_context io(1);
  StopSignals stops(io);
  std::optional<asio::ssl::context> tls;
  if (url->secure) tls.emplace(make_tls_context(!options->insecure));
  int exit_code = kExitDone;
  auto lane = start_probe_lane(io, stops, *url, tls ? &*tls : nullptr, options->insecure, "test", err, exit_code);
  if (!lane) return exit_code;
  auto& probe = lane->probe;
  const auto& endpoints = lane->endpoints;

  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  out << "bloatmeter " << kVersion << ": testing " << url->origin() << " (" << plan.name << " plan, "
      << plan.total_duration_us() / 1'000'000 << " s)\n";
  Result result;
  std::string started_at;
  {
    LoadStreams load(*url, endpoints, tls ? &*tls : nullptr, !options->insecure, kLoadThreads);
    NativeTransport transport(*probe, load);
    SingleUserSession session(plan, transport);
    ProgressPrinter progress(out, tty);
    TestDriver driver(io, session, *probe, progress, stops);
    started_at = iso_utc_ms(std::chrono::system_clock::now());
    driver.run();
    load.stop();
    result = session.result();
  }
  complete_native_result(result, *url, started_at);
  return report_run(result, "test", options->json_file,
                    [](const Result& r, std::ostream& o) { print_table({{"this test", r}}, o); }, out, err);
}

}  // namespace bloatmeter::cli
