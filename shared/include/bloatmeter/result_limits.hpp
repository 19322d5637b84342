#pragma once
// What a real test can produce, as bounds on every number a result
// document carries. A result is untrusted input (a file, a submission):
// the parser refuses a document outside these ranges, naming the field,
// so no later computation meets a phase of 4e18 µs, an interval of 1 µs,
// or a time stamp whose sum with another overflows. Each bound is far
// beyond what any plan here produces (the standard plan runs 40 s).
#include <cstdint>

namespace bloatmeter {

// Time stamps: 2^52 µs is 142 years either side of a clock's epoch (the
// server's monotonic clock counts from its boot), and a sum or difference
// of two such stamps stays far inside int64.
inline constexpr std::int64_t kMaxTimeUs = std::int64_t{1} << 52;
// A stamp a result may hold: what a client keeps of the server's stamps.
constexpr bool is_plausible_time_us(std::int64_t t) { return t >= -kMaxTimeUs && t <= kMaxTimeUs; }
// A count a result may hold (JSON integers are read back as int64): what a
// client keeps of the server's counts.
constexpr bool is_plausible_count(std::uint64_t n) { return n <= std::uint64_t{INT64_MAX}; }

// A whole test, and any one phase or interval in it: one hour.
inline constexpr std::int64_t kMaxTestUs = 3'600'000'000;

// How often a plan may probe, count throughput, or judge stream growth.
inline constexpr std::int64_t kMinProbeIntervalUs = 1'000;         // 1 kHz
inline constexpr std::int64_t kMaxProbeIntervalUs = 10'000'000;    // 0.1 Hz
inline constexpr std::int64_t kMaxLateAfterUs = 60'000'000;
inline constexpr std::int64_t kMinThroughputIntervalUs = 10'000;
inline constexpr std::int64_t kMaxThroughputIntervalUs = 10'000'000;
inline constexpr std::int64_t kMinStreamAddIntervalUs = 100'000;
inline constexpr std::int64_t kMaxStreamAddIntervalUs = 60'000'000;

// Load streams per direction (the method adds up to 16).
inline constexpr std::int64_t kMaxStreams = 64;

// A load stream's id in a throughput record (ids are not reused when a
// stream is replaced, so they may pass the stream count).
inline constexpr std::int64_t kMaxStreamIds = 1'000'000;

// Phases in a plan.
inline constexpr std::size_t kMaxPhases = 64;

}  // namespace bloatmeter
