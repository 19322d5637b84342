#pragma once
// What a household session (household_session.hpp) needs from the outside
// world: the probe lane, and the four users' lanes. Each user is paced and
// recorded by the core's HouseholdUserClient wherever its socket lives (the
// native client's I/O thread, the browser's household worker); the
// transport starts and stops them and hands their samples back. The
// session never sees a socket.
#include <cstdint>
#include <optional>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/clock_offset.hpp"

namespace bloatmeter {

class HouseholdTransport {
 public:
  virtual ~HouseholdTransport() = default;
  // True when the transport keeps the probe schedule itself (the browser's
  // probe worker): the session then never calls send_probe() and learns of
  // each probe through HouseholdSession::on_probe_sent().
  virtual bool schedules_probes() const { return false; }
  // Sends probe `seq`, stamped with the client's send time.
  virtual void send_probe(std::uint32_t seq, Micros sent_us) = 0;
  // Opens every user's lane; the users pace and record until `end_us`,
  // filing the server's upload counts through `offset` (the baseline's
  // estimate of the server's clock; none when the baseline had no echo).
  virtual void start_users(std::optional<ClockOffset> offset, Micros end_us) = 0;
  // The users' phase ends at `end_us` (its planned end, or an abort):
  // nothing is recorded after it. The users' samples come back through
  // HouseholdSession::on_users_finished(), during this call or later.
  virtual void stop_users(Micros end_us) = 0;
  // Closes the probe lane (the test is over).
  virtual void close() {}
  // As SingleUserTransport::send_udp_request: only after
  // HouseholdSession::set_udp_lane().
  virtual bool send_udp_request(std::uint32_t, Micros) { return false; }
};

}  // namespace bloatmeter
