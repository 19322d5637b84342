#include "bloatmeter/household_recorder.hpp"

#include <algorithm>

namespace bloatmeter {

UserRecorder::UserRecorder(UserProfile profile, Micros throughput_interval_us)
    : profile_(std::move(profile)), meter_(throughput_interval_us) {
  samples_.user = profile_.id;
}

void UserRecorder::on_upload_sent(const PacedMessage& m, Micros now_us) {
  if (finished_ || !profile_.upload.timed) return;
  samples_.upload.push_back({m.seq, m.bytes, now_us, std::nullopt, std::nullopt});
}

std::optional<double> UserRecorder::on_upload_ack(std::uint32_t seq, Micros server_recv_us, Micros now_us) {
  if (finished_) return std::nullopt;
  // Sent in sequence order (a pacer's numbers only grow), so search.
  auto& sent = samples_.upload;
  const auto it = std::lower_bound(sent.begin(), sent.end(), seq,
                                   [](const TimedMessage& m, std::uint32_t s) { return m.seq < s; });
  if (it == sent.end() || it->seq != seq || it->echoed_us || now_us < it->sent_us) return std::nullopt;
  it->received_us = server_recv_us;
  it->echoed_us = now_us;
  last_rtt_ms_ = static_cast<double>(now_us - it->sent_us) / 1000.0;
  return last_rtt_ms_;
}

void UserRecorder::on_upload_bytes(std::uint64_t bytes, Micros start_us, Micros end_us) {
  if (!finished_) meter_.add_spread(Direction::Upload, 0, start_us, end_us, bytes);
}

void UserRecorder::on_download(const DownloadArrival& m, Micros now_us) {
  if (finished_) return;
  meter_.add(Direction::Download, 0, now_us, m.bytes);
  if (profile_.download.timed) samples_.download.push_back({m.seq, m.bytes, m.server_sent_us, now_us, std::nullopt});
  if (profile_.download.pattern != TrafficPattern::Burst) return;
  auto& bursts = samples_.bursts;
  auto it = std::find_if(bursts.begin(), bursts.end(), [&](const BurstRecord& b) { return b.index == m.burst; });
  if (it == bursts.end()) {
    bursts.push_back({m.burst, m.burst_started_us, m.burst_bytes, 0, std::nullopt});
    it = bursts.end() - 1;
  }
  it->received_bytes = std::min(it->bytes, it->received_bytes + m.bytes);
  if (!it->completed_us && it->received_bytes >= it->bytes) it->completed_us = now_us;
}

void UserRecorder::finish(Micros end_us) {
  if (finished_) return;
  meter_.finish(end_us);
  finished_ = true;
}

UserSamples UserRecorder::samples() const {
  UserSamples s = samples_;
  s.throughput = meter_.intervals();
  return s;
}

}  // namespace bloatmeter
