#include "single_user_command.hpp"

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
#include "session_loop.hpp"
#include "tls_client.hpp"
#include "udp_lane.hpp"

namespace bloatmeter::cli {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Its own lines; usage_with_shared_options() adds the rest.
constexpr const char* kTestUsage = R"(Usage: bloatmeter test URL [options]

Runs the single-user bufferbloat test against a bloatmeter server: idle
latency, then latency while downloading, uploading and both, graded A+ to F.

  URL              the server, http://host[:port] or https://host[:port]
  --plan NAME      quick (17 s) or standard (40 s, the default)
)";

constexpr int kLoadThreads = 2;

// The session's transport: probes on the probe lane, load on LoadStreams.
class NativeSingleUserTransport : public SingleUserTransport {
 public:
  NativeSingleUserTransport(ProbeConnection& probe, LoadStreams& load, NativeUdpLane& udp)
      : probe_(probe), load_(load), udp_(udp) {}
  void send_probe(std::uint32_t seq, Micros sent_us) override { probe_.send(seq, static_cast<std::uint64_t>(sent_us)); }
  int open_stream(Direction d) override { return load_.open(d); }
  std::uint64_t take_stream_bytes(int id) override { return load_.take_bytes(id); }
  std::optional<ServerSpan> stream_server_span(int id) override { return load_.server_span(id); }
  bool stream_lost(int id) override { return load_.lost(id); }
  void close_stream(int id) override { load_.close(id); }
  bool send_udp_request(std::uint32_t seq, Micros sent_us) override { return udp_.send(seq, sent_us); }

 private:
  ProbeConnection& probe_;
  LoadStreams& load_;
  NativeUdpLane& udp_;
};

}  // namespace

int run_single_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int exit_code = kExitDone;
  const std::string usage = usage_with_shared_options(kTestUsage);
  const auto options = parse_run_command(args, "test", OptionSet{}, usage.c_str(), out, err, exit_code);
  if (!options) return exit_code;
  PhasePlan plan;
  if (!plan_by_name(options->plan, plan)) {
    err << "bloatmeter test: unknown plan '" << options->plan << "' (quick or standard)\n";
    return kExitUsage;
  }
  const auto run = start_run(*options, plan, "test", err, exit_code);
  if (!run) return exit_code;
  const auto& url = run->url;
  auto& probe = run->lane.probe;

  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  out << "bloatmeter " << kVersion << ": testing " << url.origin() << " (" << plan.name << " plan, "
      << plan.total_duration_us() / 1'000'000 << " s)\n";
  Result result;
  std::string started_at;
  {
    LoadStreams load(url, run->lane.endpoints, run->tls_context(), !options->insecure, kLoadThreads);
    NativeSingleUserTransport transport(*probe, load, *run->udp);
    SingleUserSession session(plan, transport);
    ProgressPrinter progress(out, tty);
    TestClock clock;
    SessionLoop<SingleUserSession> driver(run->io, clock, session, *probe, *run->udp, run->stops, [&](Micros) {
      if (session.running()) progress.update(session.live());
      else progress.finish();
    });
    started_at = iso_utc_ms(std::chrono::system_clock::now());
    driver.run();
    load.stop();
    result = session.result();
  }
  complete_native_result(result, url, started_at);
  return report_run(result, "test", *options,
                    [](const Result& r, std::ostream& o) { print_table({{"this test", r}}, o); }, *run, out, err);
}

}  // namespace bloatmeter::cli
