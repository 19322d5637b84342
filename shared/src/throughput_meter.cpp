#include "bloatmeter/throughput_meter.hpp"

#include <algorithm>
#include <utility>

namespace bloatmeter {

ThroughputMeter::ThroughputMeter(Micros interval_us) : interval_us_(std::max<Micros>(interval_us, 1)) {}

std::int64_t ThroughputMeter::index_of(Micros t) const {
  // Floor division, so a time just before the origin is interval -1, not 0.
  return t >= 0 ? t / interval_us_ : -((-t + interval_us_ - 1) / interval_us_);
}

void ThroughputMeter::add(Direction direction, int stream, Micros now_us, std::uint64_t bytes) {
  if (bytes == 0) return;
  const auto index = index_of(now_us);
  const Key key{index, static_cast<int>(direction), stream};
  direction_totals_[{static_cast<int>(direction), index}] += bytes;
  if (const auto at = emitted_at_.find(key); at != emitted_at_.end()) {
    emitted_[at->second].bytes += bytes;
    return;
  }
  pending_[key] += bytes;
}

void ThroughputMeter::emit(const Key& key, std::uint64_t bytes, Micros duration_us) {
  const auto [index, direction, stream] = key;
  emitted_at_[key] = emitted_.size();
  emitted_.push_back({static_cast<Direction>(direction), stream, index * interval_us_, duration_us, bytes});
}

void ThroughputMeter::add_spread(Direction direction, int stream, Micros start_us, Micros end_us,
                                 std::uint64_t bytes) {
  if (end_us < start_us) std::swap(start_us, end_us);
  if (end_us - start_us < interval_us_ / 10) return add(direction, stream, end_us, bytes);
  std::uint64_t filed = 0;
  for (Micros a = start_us; a < end_us;) {
    const Micros b = std::min(end_us, (index_of(a) + 1) * interval_us_);
    const auto share = static_cast<std::uint64_t>(static_cast<double>(bytes) * static_cast<double>(b - start_us) /
                                                  static_cast<double>(end_us - start_us));
    const std::uint64_t piece = (b == end_us ? bytes : share) - filed;
    add(direction, stream, a, piece);
    filed += piece;
    a = b;
  }
}

void ThroughputMeter::flush(Micros now_us) {
  // pending_ is ordered by interval index first, so completed ones lead.
  while (!pending_.empty()) {
    const auto first = pending_.begin();
    const Micros end_us = (std::get<0>(first->first) + 1) * interval_us_;
    if (end_us > now_us) break;
    emit(first->first, first->second, interval_us_);
    pending_.erase(first);
  }
}

void ThroughputMeter::finish(Micros end_us) {
  for (const auto& [key, bytes] : pending_) {
    const Micros start_us = std::get<0>(key) * interval_us_;
    const bool partial = end_us > start_us && end_us < start_us + interval_us_;
    emit(key, bytes, partial ? end_us - start_us : interval_us_);
  }
  pending_.clear();
}

std::optional<double> ThroughputMeter::current_mbps(Direction direction, Micros now_us, int spans) const {
  const auto last_completed = index_of(now_us) - 1;
  if (last_completed < 0 || spans < 1) return std::nullopt;
  const auto first = std::max<std::int64_t>(0, last_completed - spans + 1);
  std::uint64_t bytes = 0;
  for (auto index = first; index <= last_completed; ++index) {
    const auto found = direction_totals_.find({static_cast<int>(direction), index});
    if (found != direction_totals_.end()) bytes += found->second;
  }
  const auto length_us = static_cast<double>((last_completed - first + 1) * interval_us_);
  return static_cast<double>(bytes) * 8.0 / length_us;
}

}  // namespace bloatmeter
