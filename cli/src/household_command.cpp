#include "household_command.hpp"

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <unistd.h>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_session.hpp"
#include "bloatmeter/household_user_client.hpp"
#include "bloatmeter/lane_end.hpp"
#include "bloatmeter/native/kernel_unsent.hpp"
#include "bloatmeter/version.hpp"
#include "exit_codes.hpp"
#include "result_file.hpp"
#include "run_finish.hpp"
#include "run_options.hpp"
#include "run_start.hpp"
#include "probe_connection.hpp"
#include "server_url.hpp"
#include "report.hpp"
#include "session_loop.hpp"
#include "tls_client.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {


// Its own lines; usage_with_shared_options() adds the rest.
constexpr const char* kHouseholdUsage = R"(Usage: bloatmeter household URL [options]

Runs the virtual household test against a bloatmeter server: a baseline on
the probe lane, then four simulated users at once (gaming, a video call, HD
streaming, a computer's updates), each on its own connection, each graded
for what it needs; then the household grade and network fairness.

  URL              the server, http://host[:port] or https://host[:port]
  --plan NAME      quick (2 s + 10 s) or standard (5 s + 30 s, the default)
  --greedy         the computer's download takes all it can get
)";

constexpr auto kMaxPaceSleep = std::chrono::milliseconds(5);

// Padding for upload messages: their content does not matter.
const std::vector<unsigned char>& padding() {
  static const std::vector<unsigned char> zeros(kMaxMessageBytes, 0);
  return zeros;
}

// One simulated user's lane: its WebSocket, its upload pacer, its recorder.
class UserLane {
 public:
  using Now = std::function<Micros()>;
  using Failed = std::function<void(const std::string& why)>;
  virtual ~UserLane() = default;
  // Connects, then paces the upload and records everything until `end_us`.
  virtual void start(Micros end_us, Failed on_failed) = 0;
  virtual void close() = 0;
  virtual HouseholdUserClient& client() = 0;
  virtual bool connected() const = 0;
};

template <class Ws>
class UserLaneImpl : public UserLane, public std::enable_shared_from_this<UserLaneImpl<Ws>> {
 public:
  template <class... StreamArgs>
  UserLaneImpl(asio::io_context& io, ServerUrl url, tcp::resolver::results_type endpoints, bool verify, std::string target,
               const UserProfile& profile, Micros interval_us, Now now, StreamArgs&&... args)
      : io_(io), url_(std::move(url)), endpoints_(std::move(endpoints)), verify_(verify), target_(std::move(target)),
        client_(profile, interval_us), now_(std::move(now)), timer_(io),
        ws_(std::forward<StreamArgs>(args)...) {}

  void start(Micros end_us, Failed on_failed) override {
    end_us_ = end_us;
    on_failed_ = std::move(on_failed);
    auto self = this->shared_from_this();
    asio::co_spawn(
        io_, [self]() -> asio::awaitable<void> { co_await connect_ws(self->ws_, self->endpoints_, self->url_, self->target_, self->verify_); },
        [self](std::exception_ptr e) {
          if (self->closed_) return;
          if (e) return self->fail("cannot open " + self->target_ + ": " + failure_text(e, kConnectTimeout));
          self->connected_ = true;
          self->ws_.binary(true);
          self->client_.on_open(self->now_());
          self->read_next();
          self->pace();
        });
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
  }

  HouseholdUserClient& client() override { return client_; }
  bool connected() const override { return connected_; }

 private:
  using Outgoing = HouseholdUserClient::Outgoing;

  // Why the lane ended (lane_end.hpp): a draining server's restart in its
  // own words, anything else a lost connection with the socket's error.
  std::string lane_ended(const beast::error_code& ec) const {
    const int code = ec == websocket::error::closed ? ws_.reason().code : 0;
    if (code == kServiceRestartCloseCode) return std::string(kServerRestartingReason);
    return std::string(kLaneLostReason) + " (" + ec.message() + ")";
  }

  void fail(const std::string& why) {
    if (closed_) return;
    close();
    if (on_failed_) on_failed_(why);
  }

  void pace() {
    if (closed_) return;
    const Micros now = now_();
    if (now >= end_us_) return;
    const auto unsent = native::kernel_unsent_bytes(beast::get_lowest_layer(ws_).socket().native_handle());
    for (const auto& o : client_.take_due(now, queued_bytes_, unsent)) {
      queued_bytes_ += o.bytes;
      queue_.push_back(o);
      if (queue_.size() == 1) write_next();
    }
    Micros next = client_.next_due_us();
    if (next <= now) next = now + kRoomPollUs;  // waits for room
    const auto wait = std::min<std::chrono::microseconds>(std::chrono::microseconds(next - now), kMaxPaceSleep);
    timer_.expires_after(wait);
    auto self = this->shared_from_this();
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->pace();
    });
  }

  void write_next() {
    auto self = this->shared_from_this();
    const Outgoing& o = queue_.front();
    std::array<asio::const_buffer, 2> bufs{asio::buffer(o.header), asio::buffer(padding().data(), o.bytes - o.header.size())};
    ws_.async_write(bufs, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(self->lane_ended(ec));
      self->queued_bytes_ -= self->queue_.front().bytes;
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  void read_next() {
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(self->lane_ended(ec));
      self->on_message(self->now_());
      self->buffer_.consume(self->buffer_.size());
      self->read_next();
    });
  }

  void on_message(Micros now) {
    const auto data = buffer_.cdata();
    const auto* p = static_cast<const std::uint8_t*>(data.data());
    if (ws_.got_binary()) client_.on_binary(std::span<const std::uint8_t>(p, data.size()), now);
    else client_.on_text(std::string_view(reinterpret_cast<const char*>(p), data.size()), now);
  }

  asio::io_context& io_;
  ServerUrl url_;
  tcp::resolver::results_type endpoints_;
  bool verify_;
  std::string target_;
  HouseholdUserClient client_;
  Now now_;
  asio::steady_timer timer_;
  Ws ws_;
  beast::flat_buffer buffer_;
  std::deque<Outgoing> queue_;
  std::uint64_t queued_bytes_ = 0;
  Micros end_us_ = 0;
  Failed on_failed_;
  bool connected_ = false;
  bool closed_ = false;
};

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// The household session's transport: probes on the probe lane, one
// UserLane per user on the same I/O thread.
class NativeHouseholdTransport : public HouseholdTransport {
 public:
  NativeHouseholdTransport(asio::io_context& io, const HouseholdPlan& plan, ProbeConnection& probe,
                           const ServerUrl& url, const tcp::resolver::results_type& endpoints, ssl::context* tls,
                           bool verify, bool greedy, const TestClock& clock, NativeUdpLane& udp)
      : io_(io), plan_(plan), probe_(probe), url_(url), endpoints_(endpoints), tls_(tls), verify_(verify),
        greedy_(greedy), clock_(clock), udp_(udp) {}

  void attach(HouseholdSession& session) { session_ = &session; }
  const std::vector<std::shared_ptr<UserLane>>& lanes() const { return lanes_; }

  void send_probe(std::uint32_t seq, Micros sent_us) override { probe_.send(seq, static_cast<std::uint64_t>(sent_us)); }

  void start_users(std::optional<ClockOffset> offset, Micros end_us) override {
    for (const auto& profile : plan_.profiles.users) {
      const std::string target =
          "/ws/virtual-household/" + profile.id + "?plan=" + plan_.name + "&greedy=" + (greedy_ ? "1" : "0");
      auto now = [this] { return clock_.now(); };
      std::shared_ptr<UserLane> lane;
      if (tls_)
        lane = std::make_shared<UserLaneImpl<TlsWs>>(io_, url_, endpoints_, verify_, target, profile,
                                                     plan_.phases.throughput_interval_us, now, io_, *tls_);
      else
        lane = std::make_shared<UserLaneImpl<PlainWs>>(io_, url_, endpoints_, verify_, target, profile,
                                                       plan_.phases.throughput_interval_us, now, io_);
      lanes_.push_back(lane);
    }
    for (auto& lane : lanes_) {
      lane->client().set_clock_offset(offset);
      lane->start(end_us, [this](const std::string& why) {
        if (session_) session_->abort(why, clock_.now());
      });
    }
  }

  // The users run on this thread: their samples are complete at once.
  void stop_users(Micros end_us) override {
    HouseholdRaw raw;
    for (auto& lane : lanes_) {
      lane->client().finish(end_us);
      lane->close();
      raw.users.push_back(lane->client().recorder().samples());
    }
    if (session_) session_->on_users_finished(std::move(raw), {});
  }

  void close() override { probe_.close(); }
  bool send_udp_request(std::uint32_t seq, Micros sent_us) override { return udp_.send(seq, sent_us); }

 private:
  asio::io_context& io_;
  const HouseholdPlan& plan_;
  ProbeConnection& probe_;
  const ServerUrl& url_;
  const tcp::resolver::results_type& endpoints_;
  ssl::context* tls_;
  bool verify_;
  bool greedy_;
  const TestClock& clock_;
  NativeUdpLane& udp_;
  HouseholdSession* session_ = nullptr;
  std::vector<std::shared_ptr<UserLane>> lanes_;
};

// The live lines: the baseline's progress, then one line per user (redrawn
// in place on a terminal, once a second otherwise).
class HouseholdProgress {
 public:
  HouseholdProgress(const HouseholdSession& session, const NativeHouseholdTransport& transport, std::ostream& out,
                    bool tty)
      : session_(session), transport_(transport), out_(out), tty_(tty) {}

  void show(Micros n) {
    const auto& plan = session_.plan();
    if (!tty_ && !said_baseline_) {
      said_baseline_ = true;
      out_ << "Baseline (probes only, " << fixed(plan.baseline_us() / 1e6, 0) << " s)\n";
    }
    if (!tty_ && session_.users_started() && !said_users_) {
      said_users_ = true;
      out_ << "Household (all users at once, " << fixed(plan.users_us() / 1e6, 0) << " s)\n";
    }
    if (!session_.running()) return end();
    std::vector<std::string> lines;
    if (!session_.users_started()) {
      lines.push_back("Baseline   " + fixed(n / 1e6, 1) + " s of " + fixed(plan.baseline_us() / 1e6, 0) + " s, " +
                      std::to_string(session_.probes().size()) + " probes");
    } else {
      const Micros in_users = std::min(n, plan.baseline_us() + plan.users_us()) - plan.baseline_us();
      lines.push_back("Household  " + fixed(in_users / 1e6, 1) + " s of " + fixed(plan.users_us() / 1e6, 0) + " s");
      for (const auto& lane : transport_.lanes()) lines.push_back("  " + user_line(*lane, n));
    }
    if (tty_) {
      if (drawn_lines_ > 0) out_ << "\x1b[" << drawn_lines_ << "F";
      for (const auto& l : lines) out_ << "\x1b[2K" << l << "\n";
      drawn_lines_ = static_cast<int>(lines.size());
      out_.flush();
    } else if (session_.users_started() && n - last_plain_us_ >= 1'000'000) {
      last_plain_us_ = n;
      for (const auto& l : lines) out_ << l << "\n";
      out_.flush();
    }
  }

 private:
  void end() {
    if (ended_) return;
    ended_ = true;
    if (tty_ && drawn_lines_ > 0) out_ << "\n";
    out_.flush();
  }

  static std::string user_line(UserLane& lane, Micros n) {
    const auto& r = lane.client().recorder();
    const auto& p = r.profile();
    std::string line = pad(p.name, 9) + pad(p.activity, 34);
    if (!lane.connected()) return line + "connecting";
    const auto rtt = r.last_rtt_ms();
    line += "rtt " + pad(rtt ? fixed(*rtt, 1) + " ms" : std::string("-"), 10);
    line += "down " + fixed(r.current_mbps(Direction::Download, n), 2) + "/" + fixed(p.download.demanded_mbps(), 2);
    line += "  up " + fixed(r.current_mbps(Direction::Upload, n), 2) + "/" + fixed(p.upload.demanded_mbps(), 2) + " Mbit/s";
    return line;
  }

  const HouseholdSession& session_;
  const NativeHouseholdTransport& transport_;
  std::ostream& out_;
  bool tty_;
  bool said_baseline_ = false;
  bool said_users_ = false;
  bool ended_ = false;
  Micros last_plain_us_ = -10'000'000;
  int drawn_lines_ = 0;
};

}  // namespace

// The household part of a result, as a few lines (also for `report`).
void print_household(const Result& result, std::ostream& out) {
  const auto& s = result.summary;
  if (!s.household) {
    out << "No household figures (the users never ran).\n";
    return;
  }
  const auto& h = *s.household;
  out << pad("household grade", 18) << (h.grade ? std::string(to_string(*h.grade)) : std::string("-")) << "\n";
  out << pad("fairness", 18) << (h.fairness ? fixed(*h.fairness, 3) : std::string("-"))
      << (h.fairness_grade ? " (" + std::string(to_string(*h.fairness_grade)) + ")" : std::string()) << "\n";
  if (h.demand_met) out << pad("demand met", 18) << fixed(*h.demand_met * 100, 1) << " %\n";
  if (s.baseline_ms) out << pad("baseline (ms)", 18) << fixed(*s.baseline_ms, 1) << "\n";
  out << "\n";
  for (const auto& u : h.users) {
    const UserProfile* p = result.profiles ? result.profiles->find(u.id) : nullptr;
    const std::string name = p ? p->name : u.id;
    std::string deciding = "-";
    if (u.deciding_metric && u.deciding_value)
      deciding = std::string(describe(*u.deciding_metric)) + " " + fixed(*u.deciding_value, 1);
    out << pad(name + " (" + u.role + ")", 28) << pad(u.grade ? std::string(to_string(*u.grade)) : std::string("-"), 4)
        << deciding << (u.valid ? "" : "  [too few samples]") << "\n";
    auto rate = [](const DirectionFigures& f) {
      return (f.achieved_mbps ? fixed(*f.achieved_mbps, 2) : std::string("-")) + "/" + fixed(f.demanded_mbps, 2);
    };
    out << "    down " << rate(u.download) << "  up " << rate(u.upload) << " Mbit/s";
    if (u.rtt_ms) out << "  rtt median " << fixed(u.rtt_ms->median, 1) << " ms";
    if (u.rtt_increase_p95_ms) out << " (p95 +" << fixed(*u.rtt_increase_p95_ms, 1) << " ms)";
    out << "\n    " << u.sentence << "\n";
  }
  out << "\n" << h.fairness_sentence << "\n";
  print_udp_series(result, out);
  for (const auto f : s.flags) out << "note: " << describe(f) << "\n";
}

int run_household(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int exit_code = kExitDone;
  const std::string usage = usage_with_shared_options(kHouseholdUsage);
  const auto options = parse_run_command(args, "household", OptionSet{.greedy = true}, usage.c_str(), out, err, exit_code);
  if (!options) return exit_code;
  HouseholdPlan plan;
  if (!household_plan_by_name(options->plan, options->greedy, plan)) {
    err << "bloatmeter household: unknown plan '" << options->plan << "' (quick or standard)\n";
    return kExitUsage;
  }
  const auto run = start_run(*options, plan.phases, "household", err, exit_code);
  if (!run) return exit_code;
  const auto& url = run->url;
  auto& probe = run->lane.probe;

  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  out << "bloatmeter " << kVersion << ": virtual household at " << url.origin() << " (" << plan.name << " plan, "
      << (plan.baseline_us() + plan.users_us()) / 1'000'000 << " s" << (options->greedy ? ", greedy computer" : "")
      << ")\n";
  Result result;
  const auto started_at = iso_utc_ms(std::chrono::system_clock::now());
  {
    TestClock clock;
    NativeHouseholdTransport transport(run->io, plan, *probe, url, run->lane.endpoints, run->tls_context(),
                                       !options->insecure, options->greedy, clock, *run->udp);
    HouseholdSession session(plan, transport);
    transport.attach(session);
    HouseholdProgress progress(session, transport, out, tty);
    SessionLoop<HouseholdSession> driver(run->io, clock, session, *probe, *run->udp, run->stops,
                                         [&](Micros n) { progress.show(n); });
    driver.run();
    result = session.result();
  }
  complete_native_result(result, url, started_at);
  return report_run(result, "household", *options, print_household, *run, out, err);
}

}  // namespace bloatmeter::cli
