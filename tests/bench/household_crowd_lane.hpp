#pragma once
// One simulated user's lane in the household crowd (household_crowd.cpp):
// /ws/virtual-household/{user}?plan=NAME&greedy=0 on loopback, driven as
// the native client drives its lanes (cli/src/household_command.cpp): the
// core's HouseholdUserClient paces the upload, builds its headers and
// records everything the server sends; this class only moves bytes and
// reads the clock.
//
// The lane's clock. The server stamps its messages with its steady clock,
// which on loopback is this machine's (CLOCK_MONOTONIC). So the lane's
// clock is steady µs minus the hello's start_us: t = 0 is when the server
// started this user's download schedule, the core's throughput intervals
// start with it, and the offset to the server's clock is exact, not
// estimated. The upload starts when the hello arrives (the native client
// starts it at the upgrade, a round trip earlier).
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_user_client.hpp"

namespace bloatmeter::bench {

enum class LaneState {
  Connecting,  // not open yet
  Refused,     // the upgrade was answered 503 (the server's limits)
  Failed,      // could not open: any other answer, a connect error, no hello
  Running,     // pacing and recording
  Lost,        // the connection broke before the users' phase ended
  Done,        // ran the whole phase and closed
};

class UserLane : public std::enable_shared_from_this<UserLane> {
 public:
  // `drain_us`: how long the lane stays open after the phase (late
  // acknowledgements, the server's last upload counts) before it closes.
  UserLane(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server, const HouseholdPlan& plan,
           const UserProfile& profile, std::int64_t drain_us);

  void start();
  // Closes whatever is open (the generator's deadline).
  void stop();

  LaneState state() const { return state_; }
  const std::string& error() const { return error_; }
  const HouseholdUserClient& client() const { return client_; }
  // The users' phase on the lane's clock: [0, duration_us()).
  std::int64_t duration_us() const { return duration_us_; }
  // Server clock minus lane clock (the hello's start_us).
  std::int64_t origin_us() const { return origin_us_; }
  // Per download message that arrived: how long after its due time the
  // server started writing it (server_sent_us - due_us, ms), the server's
  // own pacing lateness (its event loop, or waiting for room to send).
  const std::vector<float>& server_late_ms() const { return server_late_ms_; }

 private:
  std::int64_t now() const;  // the lane's clock
  void fail(LaneState state, std::string why);
  void read_next();
  void on_message();
  bool on_hello(std::string_view text);
  void pace();
  void write_next();
  void finish();

  boost::asio::ip::tcp::endpoint server_;
  std::string target_;
  HouseholdUserClient client_;
  std::int64_t drain_us_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::websocket::response_type answer_;
  boost::asio::steady_timer pace_timer_;
  boost::asio::steady_timer end_timer_;
  boost::beast::flat_buffer buffer_;
  std::deque<HouseholdUserClient::Outgoing> queue_;
  std::uint64_t queued_bytes_ = 0;
  std::int64_t origin_us_ = 0;
  std::int64_t duration_us_ = 0;
  LaneState state_ = LaneState::Connecting;
  std::string error_;
  std::vector<float> server_late_ms_;
  bool closed_ = false;
};

// Steady clock, µs (the server's clock on this machine).
std::int64_t steady_us();

}  // namespace bloatmeter::bench
