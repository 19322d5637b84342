#pragma once
// A household client's bookkeeping for one simulated user: turns what its
// connection saw into the user's raw samples (UserSamples). It does no I/O
// and paces nothing (pacer.hpp does); the browser and the native client
// both call it, so they record the same samples from the same events.
//
// Every time is the client's µs since the test started, except those the
// server stamped (server_recv_us, server_sent_us, burst starts), which are
// stored as the server sent them.
#include <cstdint>
#include <optional>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_samples.hpp"
#include "bloatmeter/pacer.hpp"
#include "bloatmeter/throughput_meter.hpp"

namespace bloatmeter {

// What a download message's header told the client.
struct DownloadArrival {
  std::uint32_t seq = 0;
  std::uint32_t bytes = 0;      // the whole message
  Micros server_sent_us = 0;    // server clock
  // Burst flows: which burst, when it started (server clock: its first
  // message's due time, Pacer::burst_start_us) and how many bytes it has.
  std::uint32_t burst = 0;
  Micros burst_started_us = 0;
  std::uint64_t burst_bytes = 0;
};

class UserRecorder {
 public:
  UserRecorder(UserProfile profile, Micros throughput_interval_us);

  // The client sent upload message `m` at `now_us` (a timed flow's message
  // is kept until its acknowledgement arrives).
  void on_upload_sent(const PacedMessage& m, Micros now_us);
  // The server acknowledged upload message `seq`, which it read at
  // `server_recv_us`; the acknowledgement arrived at `now_us`. Returns the
  // round trip in ms, or nothing for a sequence number never sent, one
  // already acknowledged, or an acknowledgement from before its message.
  std::optional<double> on_upload_ack(std::uint32_t seq, Micros server_recv_us, Micros now_us);
  // The server reports `bytes` more of this user's upload arrived (its
  // running count's growth), over [start_us, end_us] on the client's clock
  // (the span between two of its reports; an instant when unknown).
  void on_upload_bytes(std::uint64_t bytes, Micros start_us, Micros end_us);
  // A download message arrived at `now_us`.
  void on_download(const DownloadArrival& m, Micros now_us);
  // The senders' counts (the server reports the download's; the client's
  // own upload Pacer::counts() gives the upload's).
  void set_download_sender(const SenderCounts& counts) { samples_.download_sender = counts; }
  void set_upload_sender(const SenderCounts& counts) { samples_.upload_sender = counts; }
  // The users' phase ended at `end_us`: the last, partial throughput
  // interval is closed. Nothing is recorded afterwards.
  void finish(Micros end_us);

  // For a live view.
  std::optional<double> last_rtt_ms() const { return last_rtt_ms_; }
  // Mbit/s over the last two throughput intervals completed by `now_us`.
  double current_mbps(Direction d, Micros now_us) const { return meter_.current_mbps(d, now_us, 2).value_or(0.0); }
  const UserProfile& profile() const { return profile_; }

  // The samples so far (all of them once finished).
  UserSamples samples() const;

 private:
  UserProfile profile_;
  UserSamples samples_;
  ThroughputMeter meter_;
  std::optional<double> last_rtt_ms_;
  bool finished_ = false;
};

}  // namespace bloatmeter
