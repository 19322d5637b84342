#include "bloatmeter/pacer.hpp"

#include <algorithm>
#include <cmath>

namespace bloatmeter {
namespace {

// The schedule's arithmetic is plain IEEE double (never long double, which
// is 80-bit on x86 and 128-bit on wasm32), so the server, the native client
// and the browser compute the very same schedule.

// µs it takes to send `bytes` at `rate_bps`, for the schedule: computed
// from the message's index every time, so rounding never accumulates.
Micros transmit_us(double bytes, std::int64_t rate_bps) {
  return static_cast<Micros>(std::llround(bytes * 8.0 * 1e6 / static_cast<double>(rate_bps)));
}

}  // namespace

Pacer::Pacer(FlowSpec spec, Micros start_us) : spec_(std::move(spec)), start_us_(start_us) {
  rate_bps_ = std::max<std::int64_t>(1, std::llround(spec_.rate_mbps * 1e6));
  if (spec_.pattern == TrafficPattern::Burst && spec_.message_bytes > 0) {
    burst_bytes_ = static_cast<std::uint64_t>(std::llround(spec_.rate_mbps * 1e6 * static_cast<double>(spec_.burst_on_us) / 8e6));
    burst_messages_ = std::max<std::uint64_t>(1, (burst_bytes_ + spec_.message_bytes - 1) / spec_.message_bytes);
  }
}

Micros Pacer::burst_start_us(std::uint32_t burst) const {
  if (spec_.pattern != TrafficPattern::Burst) return 0;
  return start_us_ + static_cast<Micros>(burst) * spec_.burst_period_us;
}

PacedMessage Pacer::slot(std::uint64_t k) const {
  PacedMessage m;
  m.seq = static_cast<std::uint32_t>(k);
  switch (spec_.pattern) {
    case TrafficPattern::Tick: {
      // Message k carries the bytes that bring the total to the rate's
      // exact share at tick k + 1: sizes differ by at most one byte.
      // n x rate is exact in a double; one division, correctly rounded,
      // then floor (the epsilon guards a quotient that is an integer).
      const auto total = [&](std::uint64_t n) {
        const double exact = static_cast<double>(n) * static_cast<double>(rate_bps_) / (8.0 * spec_.tick_hz);
        return static_cast<std::uint64_t>(std::floor(exact + 1e-6));
      };
      m.bytes = static_cast<std::uint32_t>(total(k + 1) - total(k));
      m.due_us = start_us_ + static_cast<Micros>(std::llround(static_cast<double>(k) * 1e6 / spec_.tick_hz));
      break;
    }
    case TrafficPattern::Constant:
      m.bytes = spec_.message_bytes;
      m.due_us = start_us_ + transmit_us(static_cast<double>(k) * spec_.message_bytes, rate_bps_);
      break;
    case TrafficPattern::Burst: {
      const auto burst = k / burst_messages_;
      const auto j = k % burst_messages_;
      const std::uint64_t offset = j * spec_.message_bytes;
      m.bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(spec_.message_bytes, burst_bytes_ - offset));
      m.burst = static_cast<std::uint32_t>(burst);
      m.burst_first = j == 0;
      m.burst_last = j + 1 == burst_messages_;
      m.due_us = burst_start_us(m.burst) + transmit_us(static_cast<double>(offset), rate_bps_);
      break;
    }
    case TrafficPattern::Greedy:
      m.bytes = spec_.message_bytes;
      m.due_us = start_us_;
      break;
    case TrafficPattern::Off:
      m.due_us = std::numeric_limits<Micros>::max();
      break;
  }
  return m;
}

Micros Pacer::next_due_us() const {
  if (spec_.pattern == TrafficPattern::Off) return std::numeric_limits<Micros>::max();
  if (spec_.pattern == TrafficPattern::Greedy) return start_us_;
  return slot(next_).due_us;
}

std::vector<PacedMessage> Pacer::take_due(Micros now_us, std::uint64_t room_bytes) {
  std::vector<PacedMessage> out;
  if (spec_.pattern == TrafficPattern::Off || now_us < start_us_) return out;
  if (spec_.pattern == TrafficPattern::Greedy) {
    while (out.size() < kGreedyMaxPerCall && room_bytes >= spec_.message_bytes) {
      auto m = slot(next_++);
      m.due_us = now_us;
      room_bytes -= m.bytes;
      counts_.sent_messages += 1;
      counts_.sent_bytes += m.bytes;
      out.push_back(m);
    }
    return out;
  }
  const Micros oldest_fresh = now_us - spec_.max_backlog_us;
  for (;;) {
    const auto m = slot(next_);
    if (m.due_us > now_us) break;
    if (m.due_us < oldest_fresh) {
      // Fell behind: this one is stale. Dropped, never sent late.
      counts_.dropped_messages += 1;
      counts_.dropped_bytes += m.bytes;
      ++next_;
      continue;
    }
    if (m.bytes > room_bytes) break;  // fresh: it waits for room
    room_bytes -= m.bytes;
    counts_.sent_messages += 1;
    counts_.sent_bytes += m.bytes;
    out.push_back(m);
    ++next_;
  }
  return out;
}

}  // namespace bloatmeter
