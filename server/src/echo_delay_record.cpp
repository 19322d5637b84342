#include "echo_delay_record.hpp"

#include "bloatmeter/stats.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bloatmeter::server {
namespace {
// One slot: the time in its high 40 bits (ms + 1, so 0 means empty; 34
// years of uptime), the delay in its low 24 bits (clamped at 16.7 s).
constexpr int kDelayBits = 24;
constexpr std::uint64_t kDelayMask = (std::uint64_t{1} << kDelayBits) - 1;
}  // namespace

void EchoDelayRecord::record(std::uint64_t now_ms, std::uint32_t delay_us) {
  const auto slot = next_.fetch_add(1, std::memory_order_relaxed) % kSlots;
  const std::uint64_t word = ((now_ms + 1) << kDelayBits) | std::min<std::uint64_t>(delay_us, kDelayMask);
  slots_[slot].store(word, std::memory_order_relaxed);
  const auto bucket = std::lower_bound(kBucketBoundsUs.begin(), kBucketBoundsUs.end(), delay_us) - kBucketBoundsUs.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(delay_us, std::memory_order_relaxed);
}

EchoDelayRecord::Histogram EchoDelayRecord::histogram() const {
  Histogram h;
  for (std::size_t i = 0; i < buckets_.size(); ++i) h.counts[i] = buckets_[i].load(std::memory_order_relaxed);
  h.sum_us = sum_us_.load(std::memory_order_relaxed);
  return h;
}

EchoDelayRecord::Summary EchoDelayRecord::recent(std::uint64_t now_ms, std::uint64_t window_ms) const {
  std::vector<double> delays;
  delays.reserve(kSlots);
  for (const auto& s : slots_) {
    const auto word = s.load(std::memory_order_relaxed);
    if (word == 0) continue;
    const auto at_ms = (word >> kDelayBits) - 1;
    if (at_ms + window_ms < now_ms) continue;
    delays.push_back(static_cast<double>(word & kDelayMask));
  }
  Summary out;
  out.count = delays.size();
  if (delays.empty()) return out;
  // The core's percentile, as the result's "server busy" flag computes it
  // from the same echoes.
  std::sort(delays.begin(), delays.end());
  out.p99_us = static_cast<std::uint32_t>(std::lround(*percentile_sorted(delays, 99)));
  out.max_us = static_cast<std::uint32_t>(delays.back());
  return out;
}

}  // namespace bloatmeter::server
