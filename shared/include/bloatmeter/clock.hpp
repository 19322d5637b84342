#pragma once
#include <cstdint>

namespace bloatmeter {

// Microseconds on a monotonic clock. The core never reads a clock itself:
// adapters pass a real one (steady_clock natively, performance.now() in the
// browser) and tests pass a FakeClock they advance by hand.
using Micros = std::int64_t;

class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual Micros now_us() const = 0;
};

// A clock that moves only when told to, so time-driven logic is testable.
class FakeClock final : public MonotonicClock {
 public:
  explicit FakeClock(Micros start = 0) : now_(start) {}
  Micros now_us() const override { return now_; }
  void advance_us(Micros delta) { now_ += delta; }
  void set_us(Micros t) { now_ = t; }

 private:
  Micros now_;
};

}  // namespace bloatmeter
