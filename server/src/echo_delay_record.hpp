#pragma once
#include <array>
#include <atomic>
#include <cstdint>

namespace bloatmeter::server {

// The server's own contribution to every probe RTT: the time from reading a
// probe to starting its echo. Probe sessions record each echo here and
// /api/health reports the recent p99, so "the server was busy" is visible
// rather than mistaken for bufferbloat (method §3, "server busy").
//
// Lock-free: a ring of the most recent echoes, each slot one atomic word
// (when, delay). Writers never wait for each other or for readers; a reader
// may see a slot mid-overwrite as either the old or the new sample, which is
// harmless for a percentile over thousands.
class EchoDelayRecord {
 public:
  static constexpr std::size_t kSlots = 4096;

  // `now_ms`: any monotonic millisecond count (the server's uptime).
  void record(std::uint64_t now_ms, std::uint32_t delay_us);

  struct Summary {
    std::size_t count = 0;
    std::uint32_t p99_us = 0;
    std::uint32_t max_us = 0;
  };
  // Echoes recorded within the last `window_ms` (at most kSlots of them).
  Summary recent(std::uint64_t now_ms, std::uint64_t window_ms) const;

  // Every echo since the start, by delay (/metrics' histogram): the upper
  // bounds of its buckets, and the counts read at one moment (each bucket's
  // own, not cumulative; the last is the overflow past the last bound).
  static constexpr std::array<std::uint32_t, 10> kBucketBoundsUs{50,   100,   250,   500,    1000,
                                                                 2500, 5000, 10000, 25000, 100000};
  struct Histogram {
    std::array<std::uint64_t, kBucketBoundsUs.size() + 1> counts{};
    std::uint64_t sum_us = 0;
  };
  Histogram histogram() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBucketBoundsUs.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_us_{0};
  std::array<std::atomic<std::uint64_t>, kSlots> slots_{};
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace bloatmeter::server
