#include "udp_probe_command.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bloatmeter/stats.hpp"
#include "bloatmeter/udp_lane_tally.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "exit_codes.hpp"
#include "tls_client.hpp"
#include "udp_lane.hpp"

namespace bloatmeter::cli {

namespace {

namespace http = beast::http;
namespace uw = udp_probe_wire;
using udp = asio::ip::udp;

constexpr const char* kUsage = R"(Usage: bloatmeter udp-probe URL [options]

A diagnostic of the server's UDP probe lane: opens a session over its HTTP
API, sends a request every interval, and prints per direction what was
lost, reordered, duplicated and late, and the one-way delay each way.
UDP is never resent, so these are the path's own figures. The server must
have the lane on (its udp_port setting).

  URL                the server, http://host[:port] or https://host[:port]
  --seconds N        how long to send, 1-60 (default 10)
  --interval-ms M    between requests, 1-1000 (default 20: a call's pace)
  --size BYTES       each request's size, 44-1472 (default 172: a G.711
                     voice packet); replies are the same size
  --insecure         accept any TLS certificate (self-signed test servers)
  --help             print this help

Ctrl-C stops sending; what was measured is printed.
Exit codes: 0 done, 2 bad command line, 3 server unreachable or without a
UDP lane, 4 stopped with Ctrl-C.
)";

struct Options {
  std::string url;
  int seconds = 10;
  int interval_ms = 20;
  int size = static_cast<int>(uw::kG711DatagramBytes);
  bool insecure = false;
};

// Replies that come after the last request are waited for this long.
constexpr Micros kGiveUpUs = 2'000'000;

Micros now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool read_int(const std::string& text, int lo, int hi, int& out) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < lo || n > hi) return false;
  out = n;
  return true;
}

// The options, or nothing with `code` set (usage error, or --help shown).
std::optional<Options> parse(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, int& code) {
  Options o;
  const auto fail = [&](const std::string& why) {
    err << "bloatmeter udp-probe: " << why << " (see bloatmeter udp-probe --help)\n";
    code = kExitUsage;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") {
      out << kUsage;
      code = kExitDone;
      return std::nullopt;
    }
    if (a == "--insecure") {
      o.insecure = true;
      continue;
    }
    struct Numeric {
      const char* name;
      int lo, hi;
      int* into;
    };
    const std::array<Numeric, 3> numeric{Numeric{"--seconds", 1, 60, &o.seconds},
                                         Numeric{"--interval-ms", 1, 1000, &o.interval_ms},
                                         Numeric{"--size", static_cast<int>(uw::kMinDatagramBytes),
                                                 static_cast<int>(uw::kMaxDatagramBytes), &o.size}};
    const auto* option = std::find_if(numeric.begin(), numeric.end(), [&](const Numeric& n) { return a == n.name; });
    if (option != numeric.end()) {
      if (i + 1 >= args.size() || !read_int(args[i + 1], option->lo, option->hi, *option->into))
        return fail(a + " needs a number from " + std::to_string(option->lo) + " to " + std::to_string(option->hi));
      ++i;
    } else if (a.rfind("--", 0) == 0) {
      return fail("unknown option '" + a + "'");
    } else if (o.url.empty()) {
      o.url = a;
    } else {
      return fail("one URL only");
    }
  }
  if (o.url.empty()) return fail("which server? (a URL)");
  return o;
}

// Sends on a schedule and files every reply, until the sending is over
// and the last replies had kGiveUpUs to come, or Ctrl-C.
class ProbeRun {
 public:
  ProbeRun(asio::io_context& io, StopSignals& stops, udp::socket& socket, const Options& o, const UdpSessionGrant& s,
           UdpLaneTally& tally)
      : stops_(stops), socket_(socket), timer_(io), options_(o), session_(s), tally_(tally), request_(o.size) {}

  void start() {
    start_us_ = now_us();
    end_us_ = start_us_ + Micros{options_.seconds} * 1'000'000;
    receive();
    send_due();
  }
  // Ends the run: nothing is left waiting, so the I/O context returns.
  void stop() {
    boost::system::error_code ec;
    timer_.cancel();
    socket_.close(ec);
    stops_.disarm();
  }

 private:
  void send_due() {
    const auto now = now_us();
    if (now >= end_us_) {
      timer_.expires_after(std::chrono::microseconds(kGiveUpUs));
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) stop();
      });
      return;
    }
    const auto seq = tally_.next_request(now);
    uw::encode_request({seq, session_.token, static_cast<std::uint64_t>(now), 0, std::nullopt}, request_);
    boost::system::error_code ec;
    socket_.send(asio::buffer(request_), 0, ec);  // a request the system would not send is simply lost
    // On a fixed schedule from the start, so a late wake-up is not carried on.
    const auto next = start_us_ + Micros{seq + 1} * options_.interval_ms * 1000;
    timer_.expires_after(std::chrono::microseconds(std::max<Micros>(0, next - now_us())));
    timer_.async_wait([this](const boost::system::error_code& e) {
      if (!e) send_due();
    });
  }

  void receive() {
    socket_.async_receive(asio::buffer(reply_), [this](const boost::system::error_code& ec, std::size_t bytes) {
      const auto at = now_us();
      if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
      if (!ec)
        if (const auto reply = uw::decode_reply(std::span<const std::uint8_t>(reply_.data(), bytes)))
          tally_.on_reply(*reply, at);
      receive();  // an error (an ICMP refusal of one datagram) ends nothing
    });
  }

  StopSignals& stops_;
  udp::socket& socket_;
  asio::steady_timer timer_;
  const Options& options_;
  const UdpSessionGrant& session_;
  UdpLaneTally& tally_;
  std::vector<std::uint8_t> request_;
  std::array<std::uint8_t, 2048> reply_{};
  Micros start_us_ = 0, end_us_ = 0;
};

std::string percent(std::uint64_t part, std::uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return text;
}

std::string ms(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f ms", value);
  return text;
}

void print_direction(std::ostream& out, const char* name, const UdpDirectionCounts& d, const std::vector<double>& delays_ms) {
  out << "  " << name << ": sent " << d.sent << ", received " << d.received << ", lost " << d.lost << " ("
      << percent(d.lost, d.sent) << "), reordered " << d.reordered << ", duplicated " << d.duplicated << ", late "
      << d.late << "\n";
  if (const auto stats = summarize(delays_ms))
    out << "      one-way delay: median " << ms(stats->median) << ", p95 " << ms(stats->p95) << ", max " << ms(stats->max)
        << (stats->jitter ? ", jitter " + ms(*stats->jitter) : std::string()) << "\n";
}

void print_summary(std::ostream& out, const UdpLaneTally& tally, const UdpLaneRules& rules) {
  const auto c = tally.counts(now_us() + kGiveUpUs);  // the run is over: every unanswered one is final
  out << "UDP probe lane: " << c.requests_sent << " requests, " << c.answered << " answered\n";
  const auto offset = tally.clock_offset(0, static_cast<std::uint32_t>(c.requests_sent));
  const auto delays = offset ? tally.one_way_delays(*offset) : UdpOneWayDelays{};
  print_direction(out, "upstream  ", c.up, delays.up_ms);
  print_direction(out, "downstream", c.down, delays.down_ms);
  if (c.server_unanswered)
    out << "  the server did not answer " << c.server_unanswered << " it received (over its rate)\n";
  if (c.lost_unattributed) out << "  lost after the last reply, direction unknown: " << c.lost_unattributed << "\n";
  out << "  (late: one-way delay over " << rules.late_after_us / 1000
      << " ms above the direction's fastest; one-way delays split the fastest third of round trips evenly, "
         "so they are exact in their changes, not their absolute split)\n";
}

}  // namespace

int run_udp_probe(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int code = kExitDone;
  const auto options = parse(args, out, err, code);
  if (!options) return code;
  std::string error;
  const auto url = parse_server_url(options->url, error);
  if (!url) {
    err << "bloatmeter udp-probe: " << error << "\n";
    return kExitUsage;
  }
  asio::io_context io{1};
  StopSignals stops(io);
  std::optional<ssl::context> tls;
  if (url->secure) tls.emplace(make_tls_context(!options->insecure));
  const auto ask = ask_udp_session(io, stops, *url, tls ? &*tls : nullptr, !options->insecure,
                                   options->seconds + kUdpSessionMarginSeconds);
  if (!ask.grant) {
    err << "bloatmeter udp-probe: " << (ask.stopped ? "stopped before the server answered" : ask.reason) << "\n";
    return ask.stopped ? kExitAborted : kExitUnreachable;
  }
  const auto& session = *ask.grant;
  if (session.max_rate_pps > 0 && 1000.0 / options->interval_ms > session.max_rate_pps)
    err << "note: " << 1000 / options->interval_ms << " requests a second is over this server's "
        << session.max_rate_pps << ": it will drop some\n";

  udp::socket socket(io);
  if (const auto ec = connect_udp(io, socket, session, *url)) {
    err << "bloatmeter udp-probe: cannot reach " << url->host << " port " << session.port << " over UDP: "
        << ec.message() << "\n";
    return kExitUnreachable;
  }
  const auto server = socket.remote_endpoint();
  out << "UDP to " << server << ": a " << options->size << "-byte request every "
      << options->interval_ms << " ms for " << options->seconds << " s" << std::endl;  // seen at once, even in a pipe

  UdpLaneRules rules;
  rules.give_up_after_us = kGiveUpUs;
  UdpLaneTally tally(rules);
  ProbeRun run(io, stops, socket, *options, session, tally);
  bool stopped = false;
  stops.forget_pending();
  stops.arm([&] {
    stopped = true;
    run.stop();
  });
  run.start();
  io.restart();
  io.run();
  print_summary(out, tally, rules);
  return stopped ? kExitAborted : kExitDone;
}

}  // namespace bloatmeter::cli
