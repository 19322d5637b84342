#include "bloatmeter/probe_tracker.hpp"

#include <algorithm>

#include "bloatmeter/probe_lateness.hpp"
#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {

std::uint32_t ProbeTracker::next_probe(Micros now_us) {
  ProbeRecord record;
  record.seq = static_cast<std::uint32_t>(records_.size());
  record.sent_us = now_us;
  records_.push_back(record);
  ++outstanding_;
  return record.seq;
}

std::optional<double> ProbeTracker::on_echo(std::uint32_t seq, Micros now_us, std::optional<Micros> server_recv_us,
                                            std::optional<Micros> echo_delay_us) {
  if (seq >= records_.size()) return std::nullopt;
  auto& record = records_[seq];
  if (record.received_us || now_us < record.sent_us) return std::nullopt;
  record.received_us = now_us;
  // The server's stamps are its word, not a measurement of ours: one
  // outside what a result may hold (result_limits.hpp, as parse_result
  // checks) is dropped, so no later sum overflows and the result written
  // can be read back. The RTT, on our own clock, stands.
  if (server_recv_us && !is_plausible_time_us(*server_recv_us)) server_recv_us.reset();
  if (echo_delay_us && (*echo_delay_us < 0 || *echo_delay_us > kMaxTestUs)) echo_delay_us.reset();
  record.server_recv_us = server_recv_us;
  record.server_echo_us = echo_delay_us;
  --outstanding_;
  return static_cast<double>(now_us - record.sent_us) / 1000.0;
}

std::size_t ProbeTracker::late_count(Micros now_us, Micros late_after_us) const {
  return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(), [&](const ProbeRecord& r) {
    return late_at(r, now_us, late_after_us);
  }));
}

}  // namespace bloatmeter
