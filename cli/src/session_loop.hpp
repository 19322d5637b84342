#pragma once
// Drives one of the core's test sessions (SingleUserSession,
// HouseholdSession) on the probe lane's I/O thread: starts the clock, feeds
// it the echoes, ticks it on time (the next thing it is due to do, and at
// least every 5 ms for the load), stops it on Ctrl-C or a lost probe lane,
// and redraws the progress. Every test the native client runs goes through
// this one loop; what differs lives in the session and its transport.
#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bloatmeter/clock.hpp"
#include "probe_connection.hpp"
#include "run_start.hpp"
#include "udp_lane.hpp"

namespace bloatmeter::cli {

// The test's clock: µs since its t = 0, from the steady clock.
class TestClock {
 public:
  using Clock = std::chrono::steady_clock;
  void start() { t0_ = Clock::now(); }
  Micros at(Clock::time_point t) const { return std::chrono::duration_cast<std::chrono::microseconds>(t - t0_).count(); }
  Micros now() const { return at(Clock::now()); }
  Clock::time_point when(Micros t) const { return t0_ + std::chrono::microseconds(t); }

 private:
  Clock::time_point t0_ = Clock::now();
};

// Runs `step` on the I/O thread `delay` from now (a loop's next tick,
// redraw or sample), unless the timer is cancelled first.
template <class Step>
void run_after(boost::asio::steady_timer& timer, std::chrono::steady_clock::duration delay, Step step) {
  timer.expires_after(delay);
  timer.async_wait([step = std::move(step)](const boost::system::error_code& ec) {
    if (!ec) step();
  });
}

template <class Session>
class SessionLoop {
 public:
  using Show = std::function<void(Micros now)>;
  static constexpr auto kTickInterval = std::chrono::milliseconds(5);
  static constexpr auto kShowInterval = std::chrono::milliseconds(250);

  // `show` redraws the progress; it is called every 250 ms while the
  // session runs, and once more when it has finished.
  // `udp`: the UDP series' socket, whose replies go to the session; its
  // UdpLaneStart is handed to the session here.
  SessionLoop(boost::asio::io_context& io, TestClock& clock, Session& session, ProbeConnection& probe,
                NativeUdpLane& udp, StopSignals& stops, Show show)
      : io_(io), clock_(clock), session_(session), probe_(probe), udp_(udp), stops_(stops), show_(std::move(show)),
        tick_timer_(io), show_timer_(io) {
    session_.set_udp_lane(udp_.start());
  }

  // Runs the test until the session has finished and every connection has
  // closed.
  void run() {
    clock_.start();
    probe_.start(
        [this](const NativeEcho& e) {
          session_.on_echo(e.seq, clock_.at(e.received), e.server_recv_us, static_cast<Micros>(e.echo_delay_us));
        },
        [this](const std::string& why) { stop(why); });  // lane_end.hpp's words
    udp_.listen([this](const udp_probe_wire::Reply& r, TestClock::Clock::time_point at,
                       std::optional<std::uint8_t>) { session_.on_udp_reply(r, clock_.at(at)); },
                [this](TestClock::Clock::time_point at) { session_.on_udp_refused(clock_.at(at)); });
    stops_.arm([this] { stop("stopped by the user"); });
    session_.begin();
    on_tick();
    on_show();
    io_.run();
  }

 private:
  void on_tick() {
    session_.tick(clock_.now());
    if (!session_.running()) return finish();
    const auto next = clock_.when(session_.next_due_us());
    tick_timer_.expires_at(std::min(next, TestClock::Clock::now() + kTickInterval));
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  }

  void on_show() {
    if (finished_) return;
    show_(clock_.now());
    run_after(show_timer_, kShowInterval, [this] { on_show(); });
  }

  void stop(const std::string& reason) {
    session_.abort(reason, clock_.now());
    if (!session_.running()) finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    tick_timer_.cancel();
    show_timer_.cancel();
    stops_.disarm();
    probe_.close();
    udp_.close();
    show_(clock_.now());
  }

  boost::asio::io_context& io_;
  TestClock& clock_;
  Session& session_;
  ProbeConnection& probe_;
  NativeUdpLane& udp_;
  StopSignals& stops_;
  Show show_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer show_timer_;
  bool finished_ = false;
};

}  // namespace bloatmeter::cli
