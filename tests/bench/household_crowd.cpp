// bloatmeter-household-crowd: many virtual households at once against one
// server, on loopback. Each household is its users' lanes
// (/ws/virtual-household/{user}?plan=NAME, one per profile, as the native
// client opens them), the households started evenly over the first
// --spread-ms. Every lane runs the plan's users phase through the core's
// HouseholdUserClient (household_crowd_lane.hpp); afterwards each user is
// measured as the household result measures it (household_crowd_figures.hpp):
// achieved against demanded rate per direction, its round trips, one-way
// delays and late messages. Also: households refused (503) or failed, the
// messages the server's pacers dropped, and the generator's own CPU and
// timer lateness, to tell a saturated generator from a slow server.
// Usage: bloatmeter-household-crowd HOST PORT --households N [--plan quick]
//        [--threads T] [--spread-ms MS]    (HOST must be a loopback address)
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include "household_crowd_figures.hpp"
#include "household_crowd_lane.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace bloatmeter;
using namespace bloatmeter::bench;

namespace {

constexpr std::int64_t kDrainUs = 750'000;      // open after the phase: the last counts and acknowledgements
constexpr std::int64_t kOpenSlackUs = 10'000'000;  // beyond the plan, for opening under load
constexpr auto kLagTick = std::chrono::milliseconds(10);

int number(const char* text, int most) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text, text + std::strlen(text), n);
  if (ec != std::errc{} || *end != '\0' || n < 0 || n > most) throw std::invalid_argument(std::string("not a count up to ") + std::to_string(most) + ": " + text);
  return n;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One event loop on one thread, with the lanes it drives and a timer that
// samples its own lateness every 10 ms while any lane still runs.
struct Worker {
  asio::io_context io{1};
  std::vector<std::shared_ptr<UserLane>> lanes;
  std::vector<double> lag_ms;
  asio::steady_timer lag_timer{io};
  std::chrono::steady_clock::time_point lag_due;

  bool busy() const {
    for (const auto& l : lanes)
      if (l->state() == LaneState::Connecting || l->state() == LaneState::Running) return true;
    return false;
  }
  // Each wake's lateness against its own due time; a late wake delays the
  // next due time, never piles up against a fixed schedule.
  void watch_lag() {
    lag_due = std::max(lag_due + kLagTick, std::chrono::steady_clock::now());
    lag_timer.expires_at(lag_due);
    lag_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      const auto late = std::chrono::steady_clock::now() - lag_due;
      lag_ms.push_back(std::chrono::duration<double, std::milli>(late).count());
      if (busy()) watch_lag();
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bloatmeter-household-crowd HOST PORT --households N [--plan quick] [--threads T] [--spread-ms MS]\n";
    return 2;
  }
  int households = 10, threads = 1, spread_ms = 1500;
  std::string plan_name = "quick";
  tcp::endpoint server;
  try {
    const auto address = asio::ip::make_address(argv[1]);
    if (!address.is_loopback()) throw std::invalid_argument("only a loopback server is measured, not " + address.to_string());
    server = tcp::endpoint(address, static_cast<unsigned short>(number(argv[2], 65535)));
    for (int i = 3; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--plan") plan_name = argv[i + 1];
      else if (a == "--households") households = number(argv[i + 1], 2000);
      else if (a == "--threads") threads = std::max(1, number(argv[i + 1], 16));
      else if (a == "--spread-ms") spread_ms = number(argv[i + 1], 60'000);
      else throw std::invalid_argument("unknown option " + a);
    }
  } catch (const std::exception& e) {
    std::cerr << "bloatmeter-household-crowd: " << e.what() << "\n";
    return 2;
  }
  HouseholdPlan plan;
  if (!household_plan_by_name(plan_name, false, plan)) {
    std::cerr << "bloatmeter-household-crowd: unknown plan '" << plan_name << "'\n";
    return 2;
  }

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>());
  std::vector<std::vector<std::shared_ptr<UserLane>>> homes(static_cast<std::size_t>(households));
  std::vector<std::unique_ptr<asio::steady_timer>> starts;
  const auto t0 = std::chrono::steady_clock::now();
  for (int h = 0; h < households; ++h) {
    auto& w = *workers[static_cast<std::size_t>(h % threads)];
    for (const auto& profile : plan.profiles.users) {
      homes[static_cast<std::size_t>(h)].push_back(std::make_shared<UserLane>(w.io, server, plan, profile, kDrainUs));
      w.lanes.push_back(homes[static_cast<std::size_t>(h)].back());
    }
    auto& timer = starts.emplace_back(std::make_unique<asio::steady_timer>(
        w.io, t0 + std::chrono::milliseconds(static_cast<std::int64_t>(spread_ms) * h / std::max(1, households))));
    timer->async_wait([home = homes[static_cast<std::size_t>(h)]](boost::system::error_code ec) {
      if (!ec)
        for (const auto& lane : home) lane->start();
    });
  }
  const auto deadline = t0 + std::chrono::milliseconds(spread_ms) +
                        std::chrono::microseconds(plan.users_us() + kDrainUs + kOpenSlackUs);
  const double cpu0 = cpu_seconds();
  {
    std::vector<std::jthread> running;
    for (auto& w : workers)
      running.emplace_back([&w, deadline, t0] {
        w->lag_due = t0;
        w->watch_lag();
        w->io.run_until(deadline);
        for (auto& lane : w->lanes) lane->stop();  // any lane the deadline caught
        w->lag_timer.cancel();
        w->io.restart();
        w->io.run_for(std::chrono::seconds(1));
      });
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  CrowdTally tally;
  tally.households = households;
  tally.generator_cpu_percent = 100 * (cpu_seconds() - cpu0) / wall;
  for (const auto& w : workers) tally.generator_lag_ms.insert(tally.generator_lag_ms.end(), w->lag_ms.begin(), w->lag_ms.end());
  for (const auto& home : homes) {
    bool all_done = true, refused = false;
    for (const auto& lane : home) {
      ++tally.lanes[static_cast<int>(lane->state())];
      all_done = all_done && lane->state() == LaneState::Done;
      refused = refused || lane->state() == LaneState::Refused;
      if (lane->state() == LaneState::Done) tally.users.push_back(user_figures(*lane, plan));
      else tally.errors.push_back(lane->error());
    }
    tally.households_opened += all_done ? 1 : 0;
    tally.households_refused += refused ? 1 : 0;
  }
  print_tally(tally, plan, std::cout);
  return 0;
}
