#pragma once
// The client's end of one simulated user's lane (/ws/virtual-household/
// {user}, docs/protocol.md), with no I/O: it paces the user's upload with
// the shared Pacer, builds each upload message's header, reads what the
// server sends and records it all in the user's UserRecorder. The native
// client and the browser's household worker both drive it, so they send and
// record the same way; they only move bytes and read clocks.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bloatmeter/clock_offset.hpp"
#include "bloatmeter/household_recorder.hpp"
#include "bloatmeter/household_wire.hpp"
#include "bloatmeter/pacer.hpp"
#include "bloatmeter/send_room.hpp"
#include "bloatmeter/upload_span_tracker.hpp"

namespace bloatmeter {

class HouseholdUserClient {
 public:
  // One upload message: this header, then padding (any bytes) up to `bytes`.
  struct Outgoing {
    std::array<std::uint8_t, kUploadHeaderBytes> header{};
    std::uint32_t bytes = 0;
  };

  HouseholdUserClient(UserProfile profile, Micros throughput_interval_us);

  // The lane opened at `now_us`: the upload's schedule starts then.
  void on_open(Micros now_us);
  bool opened() const { return pacer_.has_value(); }

  // The upload messages due at `now_us` that the connection may take now
  // (send_room.hpp: the bytes still in the sender's queue, and those the
  // system holds unsent below it where the sender can tell), recorded as
  // sent at `now_us`. A message that waited too long for room is dropped by
  // the pacer.
  std::vector<Outgoing> take_due(Micros now_us, std::uint64_t app_queued_bytes, std::uint64_t system_unsent_bytes);
  // When to pace again: the next upload message's due time (possibly past,
  // when it waits for room); the largest Micros when nothing is scheduled.
  Micros next_due_us() const;

  // A binary message from the server: a download message or an upload
  // acknowledgement; anything else is ignored.
  void on_binary(std::span<const std::uint8_t> message, Micros now_us) { on_binary(message, message.size(), now_us); }
  // The same from the message's first bytes (at least its header, when it
  // is that long) and its whole size: the padding is never read.
  void on_binary(std::span<const std::uint8_t> head, std::size_t message_bytes, Micros now_us);
  // How much of a message on_binary() needs to see.
  static constexpr std::size_t kHeadBytes = kDownloadHeaderBytes > kUploadAckBytes ? kDownloadHeaderBytes : kUploadAckBytes;
  // A text message from the server (hello, report; others ignored). A
  // report's upload count grew by bytes that reached the server since its
  // previous report: with the clock offset they are filed over that span on
  // the client's clock, without it at `now_us`.
  void on_text(std::string_view text, Micros now_us);
  // The baseline's estimate of the server's clock (estimate_clock_offset).
  void set_clock_offset(std::optional<ClockOffset> offset) { offset_ = offset; }

  // The users' phase ended at `end_us`; nothing is recorded afterwards.
  void finish(Micros end_us) { recorder_.finish(end_us); }
  const UserRecorder& recorder() const { return recorder_; }
  const UserProfile& profile() const { return recorder_.profile(); }

 private:
  UserRecorder recorder_;
  std::optional<Pacer> pacer_;
  std::optional<ClockOffset> offset_;
  UploadSpanTracker upload_counts_;  // the server's reports of the upload's bytes
};

}  // namespace bloatmeter
