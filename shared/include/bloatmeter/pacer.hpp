#pragma once
// Paces one direction of one household user (method §4), the same code on
// both sides: the server runs one per user for the download, the client
// one per user for the upload. It does no I/O and reads no clock: the
// caller asks what is due at a time it names, sends what it gets, and may
// sleep until next_due_us().
//
// Each session paces on its own; a sender that falls behind (a late timer,
// or a transport with no room because the far end reads slowly) drops the
// messages that have waited longer than the flow's max_backlog_us and
// counts them, instead of sending them late in a burst.
#include <cstdint>
#include <limits>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_samples.hpp"

namespace bloatmeter {

struct PacedMessage {
  std::uint32_t seq = 0;    // 0, 1, 2, ... over every scheduled message, dropped ones included
  std::uint32_t bytes = 0;  // the message's whole size on the wire
  Micros due_us = 0;        // when it was scheduled (Greedy: when it was taken)
  std::uint32_t burst = 0;  // Burst flows: which burst it belongs to
  bool burst_first = false;
  bool burst_last = false;
};

class Pacer {
 public:
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  // A Greedy flow hands out at most this many messages per call.
  static constexpr std::size_t kGreedyMaxPerCall = 256;

  // The schedule starts at `start_us` (the first message is due then) on
  // whichever clock the caller passes to take_due().
  Pacer(FlowSpec spec, Micros start_us);

  // The messages to send at `now_us`, in order. `room_bytes` is what the
  // transport can take now without queueing in the application (free send
  // space, or a cap minus a WebSocket's bufferedAmount). A due message that
  // does not fit waits while it is fresh; one due more than max_backlog_us
  // ago is dropped and counted. A Greedy flow returns as many messages as
  // fit in the room (at most kGreedyMaxPerCall) and never drops.
  std::vector<PacedMessage> take_due(Micros now_us, std::uint64_t room_bytes = kUnlimited);

  // When the next scheduled message is due (possibly past, if it waits for
  // room). Greedy: always due; Off: never (the largest Micros).
  Micros next_due_us() const;

  // Burst flows: bytes per burst, messages per burst, and when burst `n`
  // starts (its first message's due time). Zero for other patterns.
  std::uint64_t burst_bytes() const { return burst_bytes_; }
  std::uint64_t messages_per_burst() const { return burst_messages_; }
  Micros burst_start_us(std::uint32_t burst) const;

  // Sent and dropped so far (UserSamples::download_sender / upload_sender).
  const SenderCounts& counts() const { return counts_; }
  const FlowSpec& spec() const { return spec_; }

 private:
  PacedMessage slot(std::uint64_t index) const;  // the index-th scheduled message

  FlowSpec spec_;
  Micros start_us_;
  std::int64_t rate_bps_ = 0;
  std::uint64_t burst_bytes_ = 0;
  std::uint64_t burst_messages_ = 0;
  std::uint64_t next_ = 0;  // index of the next scheduled message
  SenderCounts counts_;
};

}  // namespace bloatmeter
