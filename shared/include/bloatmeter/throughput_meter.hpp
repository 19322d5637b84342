#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/plan.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// Counts arriving bytes per (direction, stream) into fixed intervals
// aligned to the test's start (t = 0 on the client's test clock): interval
// i is [i * interval_us, (i + 1) * interval_us). Every byte given to add()
// lands in exactly one emitted interval; an interval nothing arrived in is
// never emitted (no synthetic throughput).
class ThroughputMeter {
 public:
  explicit ThroughputMeter(Micros interval_us);

  // `bytes` arrived on `stream` at `now_us`. Zero bytes record nothing.
  void add(Direction direction, int stream, Micros now_us, std::uint64_t bytes);

  // `bytes` arrived on `stream` evenly over [start_us, end_us] (a server's
  // count covers the time since its previous one): each interval the span
  // covers gets its share. A span shorter than a tenth of an interval is
  // filed at its end.
  void add_spread(Direction direction, int stream, Micros start_us, Micros end_us, std::uint64_t bytes);

  // Emits every interval that has ended by `now_us`. Bytes added later for
  // an interval already emitted (a count reported late) are merged into it.
  void flush(Micros now_us);

  // Emits everything at the end of a test; the last, partial interval gets
  // the duration it actually lasted (end_us - its start).
  void finish(Micros end_us);

  // The emitted intervals, in time order (then direction, then stream).
  const std::vector<ThroughputInterval>& intervals() const { return emitted_; }

  // For live display: the rate of `direction` over the last `spans`
  // intervals completed by `now_us` (all streams, emitted or not), in
  // Mbit/s. None before the first interval has completed.
  std::optional<double> current_mbps(Direction direction, Micros now_us, int spans = 1) const;

 private:
  using Key = std::tuple<std::int64_t, int, int>;  // interval index, direction, stream
  std::int64_t index_of(Micros t) const;
  void emit(const Key& key, std::uint64_t bytes, Micros duration_us);

  Micros interval_us_;
  std::map<Key, std::uint64_t> pending_;
  std::map<Key, std::size_t> emitted_at_;  // where each emitted key sits in emitted_
  std::vector<ThroughputInterval> emitted_;
  std::map<std::pair<int, std::int64_t>, std::uint64_t> direction_totals_;  // (direction, index)
};

}  // namespace bloatmeter
