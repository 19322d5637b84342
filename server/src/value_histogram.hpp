#pragma once
// A Prometheus histogram over fixed upper bounds (/metrics): the stored
// results' latency increase and throughput, so a dashboard can draw their
// distributions per server. Lock-free like the rest of Metrics: observe()
// adds to one bucket and to the sum; a scrape may read a count and a sum a
// moment apart, which Prometheus tolerates.
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace bloatmeter::server {

template <std::size_t N>
class ValueHistogram {
 public:
  // `bounds`: ascending upper bounds ("le"); a value above the last goes to +Inf.
  explicit constexpr ValueHistogram(const std::array<double, N>& bounds) : bounds_(bounds) {}

  void observe(double value) {
    if (!std::isfinite(value)) return;  // a figure a result does not have is not a sample
    std::size_t i = 0;
    while (i < N && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    double sum = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
    }
  }

  struct Reading {
    std::array<double, N> bounds{};
    std::array<std::uint64_t, N + 1> counts{};  // each bucket's own; the last is past the last bound
    double sum = 0;
  };
  Reading read() const {
    Reading r;
    r.bounds = bounds_;
    for (std::size_t i = 0; i <= N; ++i) r.counts[i] = counts_[i].load(std::memory_order_relaxed);
    r.sum = sum_.load(std::memory_order_relaxed);
    return r;
  }

 private:
  const std::array<double, N> bounds_;
  std::array<std::atomic<std::uint64_t>, N + 1> counts_{};
  std::atomic<double> sum_{0};
};

}  // namespace bloatmeter::server
