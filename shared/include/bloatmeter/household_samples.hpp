#pragma once
// The virtual household's raw samples: what each simulated user's own
// traffic saw, nothing derived. recompute() rebuilds every household figure
// from these and the profiles alone.
//
// Clocks. Client times are µs since the test started on the client's
// monotonic clock (as everywhere in a result); server times are on the
// server's monotonic clock. Each field says which it is. Differences of a
// server time and a client time are only ever compared with the same
// difference measured in the baseline (the idle path), or corrected by the
// clock offset the baseline's probes give.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/throughput_interval.hpp"

namespace bloatmeter {

// One message of a timed flow (every game tick and video frame).
//   upload:   sent_us     client clock, when the client sent it
//             received_us server clock, when the server read it (the
//                         server's acknowledgement carries it back)
//             echoed_us   client clock, when that acknowledgement arrived:
//                         RTT = echoed_us - sent_us
//   download: sent_us     server clock, stamped in the message
//             received_us client clock, when the client read it
//             echoed_us   unused
// A download record exists only for a message that arrived; an upload
// record for every message sent (no receive time: never acknowledged).
struct TimedMessage {
  std::uint32_t seq = 0;  // the pacer's sequence number
  std::uint32_t bytes = 0;
  Micros sent_us = 0;
  std::optional<Micros> received_us;
  std::optional<Micros> echoed_us;
};

// One burst of a Burst flow (download), as the client saw it.
struct BurstRecord {
  std::uint32_t index = 0;            // 0, 1, ... (the pacer's burst number)
  Micros started_us = 0;              // server clock: when its first message was due
  std::uint64_t bytes = 0;            // bytes the burst carries
  std::uint64_t received_bytes = 0;   // bytes of it that arrived
  std::optional<Micros> completed_us; // client clock: when its last byte arrived
};

// What a sender's pacer reports for one direction (Pacer::counts()): the
// server's for download, the client's for upload.
struct SenderCounts {
  std::uint64_t sent_messages = 0;
  std::uint64_t sent_bytes = 0;
  std::uint64_t dropped_messages = 0;  // fell behind: dropped, never sent late
  std::uint64_t dropped_bytes = 0;
};

struct UserSamples {
  std::string user;  // the profile's id
  std::vector<TimedMessage> download;  // timed download flow only
  std::vector<TimedMessage> upload;    // timed upload flow only
  std::vector<BurstRecord> bursts;     // burst download flow only
  // Bytes that arrived, per interval, on the client's clock (stream 0):
  // counted by the client for download and by the server for upload (its
  // counts reported back and stamped on arrival), as in the single-user test.
  std::vector<ThroughputInterval> throughput;
  SenderCounts download_sender;
  SenderCounts upload_sender;
};

struct HouseholdRaw {
  std::vector<UserSamples> users;  // one per profile, any order

  const UserSamples* find(const std::string& user) const;
};

}  // namespace bloatmeter
