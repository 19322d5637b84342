#include "rrul_command.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "bloatmeter/native/cpu_sampler.hpp"
#include "bloatmeter/rrul_session.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "http_exchange.hpp"
#include "load_streams.hpp"
#include "flent_file.hpp"
#include "page_fetch.hpp"
#include "probe_connection.hpp"
#include "progress.hpp"
#include "rrul_report.hpp"
#include "run_finish.hpp"
#include "run_start.hpp"
#include "session_loop.hpp"
#include "udp_lane.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {

namespace http = beast::http;

constexpr const char* kRrulUsage = R"(Usage: bloatmeter rrul URL [options]

Runs the Realtime Response Under Load test (RRUL) against a bloatmeter
server: 4 marked TCP flows each way (BE, CS1, CS5, EF) over IPv4 and IPv6,
while marked UDP and TCP request/response flows, voice-like UDP streams and
a web page measure what the load does to them. The result is the RRUL
score, latency, jitter and loss per class each way, the bandwidth shares,
what the path did to the markings, and the penalties the specification
names.

  URL              the server, http://host[:port] or https://host[:port]
  --plan NAME      quick (9 s) or standard (70 s, the default)
  -4, -6           one address family only (by default both, when both reach
                   the server)
  --json FILE      write the result file to FILE
  --flent FILE     write the result as Flent's data file (.flent.gz)
  --pace-mbps N    cap each load flow at N Mbit/s (both ends pace it): a
                   test below what the machines can drive, e.g. on one host
  --submit         after the test, hand the result to the server's operator
  --insecure       accept any TLS certificate (self-signed test servers)
  --help           print this help

Ctrl-C stops the test; the partial result is kept, marked aborted.
Exit codes: 0 done, 2 bad command line, 3 server unreachable or busy, 4 test
aborted, 6 not submitted (--submit; the result is kept in a file, named).
)";

constexpr int kLoadThreads = 2;
constexpr auto kCpuInterval = std::chrono::milliseconds(500);
constexpr auto kStatusInterval = std::chrono::seconds(1);
// The request/response flows' lanes are numbered after the load flows'.
constexpr int kRrFlowBase = 1000;

http::request<http::string_body> api_request(http::verb verb, const ServerUrl& url, const std::string& target) {
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, url.host_header());
  request.set(http::field::user_agent, std::string(kToolName) + "/" + kVersion + " (native)");
  request.keep_alive(false);
  request.prepare_payload();
  return request;
}

std::string family_word(IpFamily f) { return f == IpFamily::V4 ? "IPv4" : "IPv6"; }

// Which families carry flows: those asked for with an address that
// answers GET /api/health.
std::vector<RrulFamilyRecord> reach_families(RunStart& run, const RunOptions& options,
                                             const tcp::resolver::results_type& endpoints) {
  std::vector<RrulFamilyRecord> out;
  for (IpFamily f : {IpFamily::V4, IpFamily::V6}) {
    RrulFamilyRecord rec;
    rec.family = f;
    boost::system::error_code not_literal;
    const auto literal = boost::asio::ip::make_address(run.url.host, not_literal);
    if (options.family && *options.family != f) {
      rec.state = RrulFamilyState::Off;
      rec.reason = std::string("not asked for (") + (f == IpFamily::V4 ? "-6" : "-4") + ")";
    } else if (!not_literal && literal.is_v6() != (f == IpFamily::V6)) {
      rec.state = RrulFamilyState::Off;
      rec.reason = "the URL names an " + family_word(literal.is_v6() ? IpFamily::V6 : IpFamily::V4) + " address";
    } else if (only_family(endpoints, f).empty()) {
      rec.state = RrulFamilyState::Unreachable;
      rec.reason = run.url.host + " has no " + family_word(f) + " address";
    } else {
      const auto health = exchange_http(run.io, run.stops, run.url, run.tls_context(), !options.insecure,
                                        api_request(http::verb::get, run.url, "/api/health"),
                                        std::chrono::seconds(5), 64 * 1024, f);
      if (health.answer) {
        rec.state = RrulFamilyState::Used;
        if (health.peer) rec.address = health.peer->to_string();
      } else {
        rec.state = RrulFamilyState::Unreachable;
        rec.reason = "cannot reach " + run.url.origin() + " over " + family_word(f) + ": " + health.failure;
      }
    }
    out.push_back(rec);
  }
  return out;
}

// The session's transport over this client's sockets.
class NativeRrulTransport : public RrulTransport {
 public:
  NativeRrulTransport(LoadStreams& load, const tcp::resolver::results_type& endpoints, std::string rrul_id,
                      std::optional<int> pace_mbps,
                      std::vector<std::unique_ptr<NativeUdpLane>>& udp,
                      std::vector<std::shared_ptr<ProbeConnection>>& rr, std::function<void(int)> start_page)
      : load_(load), endpoints_(endpoints), rrul_id_(std::move(rrul_id)), pace_mbps_(pace_mbps), udp_(udp), rr_(rr),
        start_page_(std::move(start_page)) {}

  void open_load_flow(int id, Direction direction, DscpClass cls, IpFamily family) override {
    StreamSetup setup;
    setup.endpoints = only_family(endpoints_, family);
    setup.tos = static_cast<std::uint8_t>(dscp_of(cls) << 2);
    setup.query = "rrul=" + rrul_id_ + "&flow=" + std::to_string(id) + "&dscp=" + std::to_string(dscp_of(cls));
    if (pace_mbps_) {
      setup.query += "&pace_mbps=" + std::to_string(*pace_mbps_);
      setup.pace_bytes_per_s = static_cast<std::uint64_t>(*pace_mbps_) * 125'000;
    }
    flows_[id] = {load_.open(direction, setup), direction, false, false};
  }
  std::uint64_t take_flow_bytes(int id) override {
    const auto it = flows_.find(id);
    return it == flows_.end() ? 0 : load_.take_bytes(it->second.stream);
  }
  std::optional<ServerSpan> flow_server_span(int id) override {
    const auto it = flows_.find(id);
    return it == flows_.end() ? std::nullopt : load_.server_span(it->second.stream);
  }
  void close_load_flows() override {
    for (auto& [id, f] : flows_) load_.close(f.stream);
    closed_ = true;
  }
  bool send_udp(int flow, std::uint32_t seq, std::uint8_t tos, Micros sent_us) override {
    return flow >= 0 && static_cast<std::size_t>(flow) < udp_.size() && udp_[flow]->send(seq, sent_us, tos);
  }
  void send_tcp_rr(int flow, std::uint32_t seq, Micros sent_us) override {
    if (flow >= 0 && static_cast<std::size_t>(flow) < rr_.size() && rr_[flow])
      rr_[flow]->send(seq, static_cast<std::uint64_t>(sent_us));
  }
  void start_page(int index) override { start_page_(index); }

  // Tells the session of connections made and lost since the last call.
  void report_starts(RrulSession& session, const TestClock& clock) {
    if (closed_) return;
    for (auto& [id, f] : flows_) {
      if (f.reported_end) continue;
      const auto start = load_.start_of(f.stream);
      if (!f.reported_connect && start.connected) {
        f.reported_connect = true;
        // The client's socket carries an upload's marking; the server
        // reports a download's.
        const auto dscp = f.direction == Direction::Upload && start.tos_set
                              ? std::optional<int>(*start.tos_set >> 2)
                              : std::nullopt;
        session.on_flow_connected(id, clock.at(*start.connected), start.mss, dscp);
      }
      if (start.lost) {
        f.reported_end = true;
        session.on_flow_ended(id, clock.now(), start.error);
      }
    }
  }

 private:
  struct Flow {
    int stream = 0;
    Direction direction = Direction::Download;
    bool reported_connect = false, reported_end = false;
  };
  LoadStreams& load_;
  const tcp::resolver::results_type& endpoints_;
  std::string rrul_id_;
  std::optional<int> pace_mbps_;
  std::vector<std::unique_ptr<NativeUdpLane>>& udp_;
  std::vector<std::shared_ptr<ProbeConnection>>& rr_;
  std::function<void(int)> start_page_;
  std::map<int, Flow> flows_;
  bool closed_ = false;
};

// Drives the session on the test's I/O thread: ticks, the flows'
// connections, CPU samples each side, progress; stops on Ctrl-C.
class RrulLoop {
 public:
  RrulLoop(RunStart& run, RrulSession& session, NativeRrulTransport& transport,
           std::vector<std::unique_ptr<NativeUdpLane>>& udp, std::vector<std::shared_ptr<ProbeConnection>>& rr,
           PageFetcher& pages, std::string status_target, ProgressPrinter& progress)
      : run_(run), session_(session), transport_(transport), udp_(udp), rr_(rr), pages_(pages),
        status_target_(std::move(status_target)), progress_(progress), tick_(run.io), show_(run.io), cpu_(run.io) {}

  void run() {
    clock_.start();
    for (std::size_t i = 0; i < udp_.size(); ++i)
      udp_[i]->listen(
          [this, i](const udp_probe_wire::Reply& r, TestClock::Clock::time_point at, std::optional<std::uint8_t> tos) {
            session_.on_udp_reply(i, r, tos, clock_.at(at));
          },
          [](TestClock::Clock::time_point) {});
    for (std::size_t i = 0; i < rr_.size(); ++i)
      if (rr_[i])
        rr_[i]->start(
            [this, i](const NativeEcho& e) {
              session_.on_tcp_rr_echo(i, e.seq, clock_.at(e.received), e.server_recv_us,
                                      static_cast<Micros>(e.echo_delay_us));
            },
            [this, i](const std::string& why) { session_.on_tcp_rr_failed(i, why); });
    run_.stops.arm([this] {
      session_.abort("stopped by the user", clock_.now());
      if (!session_.running()) finish();
    });
    session_.begin();
    on_tick();
    on_show();
    on_cpu();
    run_.io.run();
  }

  const TestClock& clock() const { return clock_; }

  // Page `index` ended on the fetcher's thread: handed over to this one.
  void page_done(int index, PageTiming timing) {
    boost::asio::post(run_.io, [this, index, timing = std::move(timing)] {
      RrulPageRecord rec;
      if (timing.done) rec.done_us = clock_.at(*timing.done);
      if (timing.dns) rec.dns_us = timing.dns->count();
      if (timing.connect) rec.connect_us = timing.connect->count();
      rec.bytes = timing.bytes;
      rec.connections = timing.connections;
      rec.error = timing.error;
      session_.on_page_done(index, std::move(rec));
    });
  }

 private:
  void on_tick() {
    transport_.report_starts(session_, clock_);
    session_.tick(clock_.now());
    if (!session_.running()) return finish();
    const auto next = clock_.when(session_.next_due_us());
    tick_.expires_at(std::min(next, TestClock::Clock::now() + std::chrono::milliseconds(5)));
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  }

  void on_show() {
    if (finished_) return;
    const auto& live = session_.live();
    char rr[32] = "-";
    if (live.last_rr_ms) std::snprintf(rr, sizeof rr, "%.1f ms", *live.last_rr_ms);
    char line[256];
    std::snprintf(line, sizeof line, "%-12s %3.0f/%.0f s | RR %-9s | down %8.1f | up %8.1f Mbit/s | flows %d",
                  live.phase_label.c_str(), live.elapsed_s, live.total_s, rr, live.download_mbps, live.upload_mbps,
                  live.flows_connected);
    progress_.update_line(line, live.phase_index, live.elapsed_s);
    run_after(show_, std::chrono::milliseconds(250), [this] { on_show(); });
  }

  void on_cpu() {
    if (finished_) return;
    if (const auto share = sampler_.sample())
      session_.on_cpu(RrulSession::Side::Client, {clock_.now(), share->process, share->machine, share->waiting});
    if (TestClock::Clock::now() >= next_status_) {
      next_status_ = TestClock::Clock::now() + kStatusInterval;
      pages_.ask_status(status_target_, [this](std::optional<ServerStatus> s) {
        if (!s) return;
        boost::asio::post(run_.io, [this, s = std::move(*s)] {
          if (finished_) return;
          if (s.process && s.machine)
            session_.on_cpu(RrulSession::Side::Server, {clock_.now(), *s.process, *s.machine, std::nullopt});
          for (const auto& [flow, dscp] : s.flows)
            if (flow < kRrFlowBase) session_.on_flow_marking(flow, dscp);
        });
      });
    }
    run_after(cpu_, kCpuInterval, [this] { on_cpu(); });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    for (auto* timer : {&tick_, &show_, &cpu_}) timer->cancel();
    run_.stops.disarm();
    for (auto& lane : udp_) lane->close();
    for (auto& lane : rr_)
      if (lane) lane->close();
    progress_.finish();
  }

  RunStart& run_;
  RrulSession& session_;
  NativeRrulTransport& transport_;
  std::vector<std::unique_ptr<NativeUdpLane>>& udp_;
  std::vector<std::shared_ptr<ProbeConnection>>& rr_;
  PageFetcher& pages_;
  std::string status_target_;
  ProgressPrinter& progress_;
  TestClock clock_;
  native::CpuSampler sampler_;
  TestClock::Clock::time_point next_status_ = TestClock::Clock::now();
  boost::asio::steady_timer tick_, show_, cpu_;
  bool finished_ = false;
};

// Connects the request/response lanes, each marked, before the test.
std::vector<std::shared_ptr<ProbeConnection>> connect_rr_lanes(RunStart& run, const RrulFlowSet& flows,
                                                              const tcp::resolver::results_type& endpoints,
                                                              const std::string& rrul_id, bool verify,
                                                              std::vector<std::string>& errors) {
  std::vector<std::shared_ptr<ProbeConnection>> lanes(flows.tcp_rr.size());
  errors.assign(flows.tcp_rr.size(), "");
  for (std::size_t i = 0; i < flows.tcp_rr.size(); ++i) {
    const auto& spec = flows.tcp_rr[i];
    const int dscp = dscp_of(spec.cls);
    ProbeLaneTarget target{"/ws/probe?rrul=" + rrul_id + "&flow=" + std::to_string(kRrFlowBase + static_cast<int>(i)) +
                               "&dscp=" + std::to_string(dscp),
                           static_cast<std::uint8_t>(dscp << 2)};
    lanes[i] = make_probe_connection(run.io, run.url, only_family(endpoints, spec.family), run.tls_context(), verify,
                                     target);
    lanes[i]->connect([&errors, &lanes, i](const std::string& error) {
      if (error.empty()) return;
      errors[i] = error;
      lanes[i].reset();
    });
  }
  run.io.restart();
  run.io.run();
  run.io.restart();
  return lanes;
}

}  // namespace

int run_rrul(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int exit_code = kExitDone;
  const auto options = parse_run_command(args, "rrul", OptionSet{.rrul = true}, kRrulUsage, out, err, exit_code);
  if (!options) return exit_code;
  const RrulPlan* plan = find_rrul_plan(options->plan);
  if (!plan) {
    err << "bloatmeter rrul: unknown plan '" << options->plan << "' (quick or standard)\n";
    return kExitUsage;
  }
  auto run = prepare_run(*options, "rrul", err, exit_code);
  if (!run) return exit_code;
  const bool verify = !options->insecure;

  boost::system::error_code ec;
  tcp::resolver resolver(run->io);
  // Every address of the name, IPv6 too on a host with IPv6 on loopback
  // only (the default asks for the families the host has addresses of).
  const auto endpoints = resolver.resolve(run->url.host, run->url.port, tcp::resolver::flags(), ec);
  if (ec || endpoints.empty()) {
    err << "bloatmeter rrul: cannot resolve " << run->url.host << ": " << ec.message() << "\n";
    return kExitUnreachable;
  }
  auto families = reach_families(*run, *options, endpoints);
  if (run->stops.received()) return kExitAborted;
  const auto primary = rrul_primary_family(families);
  if (!primary) {
    err << "bloatmeter rrul: cannot reach " << run->url.origin() << ":";
    for (const auto& f : families)
      if (f.state == RrulFamilyState::Unreachable) err << " " << f.reason << ".";
    err << "\n";
    return kExitUnreachable;
  }

  // The test's place on the server.
  const Micros total_us = plan->phases.total_duration_us();
  const int seconds = static_cast<int>(std::ceil(static_cast<double>(total_us) / 1e6)) + 10;
  const auto opened = exchange_http(run->io, run->stops, run->url, run->tls_context(), verify,
                                    api_request(http::verb::post, run->url, "/api/rrul?seconds=" + std::to_string(seconds)),
                                    std::chrono::seconds(10), 64 * 1024, primary);
  if (opened.stopped) return kExitAborted;
  if (!opened.answer) {
    err << "bloatmeter rrul: cannot reach " << run->url.origin() << ": " << opened.failure << "\n";
    return kExitUnreachable;
  }
  const auto doc = nlohmann::json::parse(opened.answer->body(), nullptr, false);
  if (opened.answer->result() != http::status::ok || !doc.is_object() || !doc.contains("id") || !doc["id"].is_string()) {
    if (opened.answer->result() == http::status::not_found)
      err << "bloatmeter rrul: " << run->url.origin() << " does not run RRUL tests (an older server?)\n";
    else
      err << "bloatmeter rrul: the test server would not start the test: "
          << (doc.is_object() && doc.contains("error") && doc["error"].is_string() ? doc["error"].get<std::string>()
                                                                                  : "HTTP " + std::to_string(opened.answer->result_int()))
          << ((*opened.answer)[http::field::retry_after].empty()
                  ? std::string()
                  : "; try again in " + std::string((*opened.answer)[http::field::retry_after]) + " s")
          << "\n";
    return kExitUnreachable;
  }
  const std::string rrul_id = doc["id"].get<std::string>();
  const bool replies_marked = doc.value("reply_tos", false);

  RrulSession* session_ptr = nullptr;
  std::vector<std::unique_ptr<NativeUdpLane>> udp;
  std::vector<std::shared_ptr<ProbeConnection>> rr;
  Result result;
  std::string started_at;
  {
    LoadStreams load(run->url, endpoints, run->tls_context(), verify, kLoadThreads);
    PageFetcher pages(run->url, run->tls_context(), verify, plan->page, primary);
    RrulLoop* loop_ptr = nullptr;
    NativeRrulTransport transport(load, endpoints, rrul_id, options->pace_mbps, udp, rr, [&](int index) {
      pages.load([&loop_ptr, index](PageTiming t) {
        if (loop_ptr) loop_ptr->page_done(index, std::move(t));
      });
    });
    RrulSession session(*plan, families, transport);
    session_ptr = &session;
    // A UDP session per flow, over its family's address.
    for (std::size_t i = 0; i < session.flows().udp.size(); ++i) {
      const auto& spec = session.flows().udp[i];
      auto lane = NativeUdpLane::open(run->io, run->stops, run->url, run->tls_context(), verify, seconds,
                                      spec.interval_us, spec.datagram_bytes, spec.family, rrul_id);
      if (!lane) return kExitAborted;
      session.set_udp_flow(i, lane->start(), replies_marked && lane->start().status == UdpSeriesStatus::Measured);
      udp.push_back(std::move(lane));
    }
    std::vector<std::string> rr_errors;
    rr = connect_rr_lanes(*run, session.flows(), endpoints, rrul_id, verify, rr_errors);
    for (std::size_t i = 0; i < rr_errors.size(); ++i)
      if (!rr_errors[i].empty()) session.on_tcp_rr_failed(i, rr_errors[i]);

    out << "bloatmeter " << kVersion << ": RRUL against " << run->url.origin() << " (" << plan->name << " plan, "
        << total_us / 1'000'000 << " s;";
    for (const auto& f : families)
      out << " " << family_word(f.family) << " " << (f.state == RrulFamilyState::Used ? "yes" : "no");
    out << ")\n";
    ProgressPrinter progress(out, ::isatty(STDOUT_FILENO) != 0);
    RrulLoop loop(*run, session, transport, udp, rr, pages, "/api/rrul/" + rrul_id, progress);
    loop_ptr = &loop;
    started_at = iso_utc_ms(std::chrono::system_clock::now());
    loop.run();
    pages.stop();
    load.stop();
    loop_ptr = nullptr;
    result = session.result();
    result.raw.rrul->pace_mbps = options->pace_mbps;
  }
  (void)session_ptr;
  // The server's place back at once (the deadline would, later).
  run->io.restart();
  exchange_http(run->io, run->stops, run->url, run->tls_context(), verify,
                api_request(http::verb::delete_, run->url, "/api/rrul/" + rrul_id), std::chrono::seconds(5), 64 * 1024,
                primary);
  complete_native_result(result, run->url, started_at);
  const int code = report_run(result, "rrul", *options, print_rrul, *run, out, err);
  if (options->flent_file.empty()) return code;
  if (!write_flent_file(result, options->flent_file, err)) return kExitUsage;
  out << "Flent file: " << options->flent_file << " (flent -i " << options->flent_file << " -p all_scaled)\n";
  return code;
}

}  // namespace bloatmeter::cli
