#include "bloatmeter/udp_probe_lane.hpp"

#include <limits>

#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {

UdpProbeLane::UdpProbeLane(UdpLaneStart start, Micros give_up_after_us)
    : give_up_after_us_(give_up_after_us), status_(start.status), reason_(std::move(start.reason)),
      port_(start.port), keep_tos_(start.keep_tos), schedule_(start.interval_us) {
  raw_.interval_us = start.interval_us;
  raw_.datagram_bytes = start.datagram_bytes;
}

void UdpProbeLane::check_blocked(Micros now_us) {
  if (status_ != UdpSeriesStatus::Measured || answered_ > 0 || raw_.request_sent_us.empty()) return;
  if (now_us - raw_.request_sent_us.front() < give_up_after_us_) return;
  status_ = UdpSeriesStatus::Blocked;
  reason_ = "no UDP reply in " + std::to_string(give_up_after_us_ / 1'000'000) +
            " s (a firewall or NAT on the way drops UDP to port " + std::to_string(port_) + ")";
}

std::optional<std::uint32_t> UdpProbeLane::take_due(Micros now_us) {
  last_seen_us_ = std::max(last_seen_us_, now_us);
  check_blocked(now_us);
  if (!sending() || !schedule_.due(now_us)) return std::nullopt;
  schedule_.on_sent(now_us);
  const auto seq = static_cast<std::uint32_t>(raw_.request_sent_us.size());
  raw_.request_sent_us.push_back(now_us);
  has_reply_.push_back(false);
  return seq;
}

void UdpProbeLane::on_send_failed(std::uint32_t seq) {
  if (seq + 1 != raw_.request_sent_us.size() || has_reply_.back()) return;
  raw_.request_sent_us.pop_back();
  has_reply_.pop_back();
  ++raw_.send_failed;
}

void UdpProbeLane::on_reply(const udp_probe_wire::Reply& reply, Micros now_us,
                            std::optional<std::uint8_t> tos_at_client) {
  // What a result file may hold (udp_json.cpp refuses anything else): a
  // reply to a request of ours, with its send time, counters in order and
  // stamps a clock can have.
  if (reply.seq >= raw_.request_sent_us.size()) return;
  const auto sent_us = raw_.request_sent_us[reply.seq];
  if (reply.client_send_us != static_cast<std::uint64_t>(sent_us) || now_us < sent_us) return;
  if (reply.reply_seq >= reply.requests_received) return;
  if (!is_plausible_time_us(reply.server_recv_us) || !is_plausible_time_us(reply.server_send_us) ||
      reply.server_send_us < reply.server_recv_us)
    return;
  if (raw_.replies.size() >= 2 * raw_.request_sent_us.size() + 64) return;  // no server sends this many
  last_seen_us_ = std::max(last_seen_us_, now_us);
  raw_.replies.push_back(UdpReplyRecord{reply.seq, reply.reply_seq, reply.requests_received, now_us,
                                        reply.server_recv_us, reply.server_send_us,
                                        keep_tos_ ? reply.received_tos : std::nullopt,
                                        keep_tos_ ? tos_at_client : std::nullopt});
  if (!has_reply_[reply.seq]) {
    has_reply_[reply.seq] = true;
    ++answered_;
  }
}

void UdpProbeLane::on_refused(Micros now_us) {
  last_seen_us_ = std::max(last_seen_us_, now_us);
  if (status_ != UdpSeriesStatus::Measured || answered_ > 0) return;
  status_ = UdpSeriesStatus::Blocked;
  reason_ = "the server's UDP port " + std::to_string(port_) + " was refused (ICMP port unreachable)";
}

void UdpProbeLane::stop_sending(Micros now_us) {
  last_seen_us_ = std::max(last_seen_us_, now_us);
  check_blocked(now_us);
  stopped_ = true;
}

Micros UdpProbeLane::next_due_us() const {
  return sending() ? schedule_.next_due_us() : std::numeric_limits<Micros>::max();
}

std::optional<Micros> UdpProbeLane::settle_deadline_us() const {
  if (raw_.request_sent_us.empty()) return std::nullopt;
  return raw_.request_sent_us.back() + give_up_after_us_;
}

bool UdpProbeLane::settled(Micros now_us) const {
  if (status_ != UdpSeriesStatus::Measured || answered_ == raw_.request_sent_us.size()) return true;
  return now_us >= *settle_deadline_us();
}

UdpRaw UdpProbeLane::raw() const {
  UdpRaw out = raw_;
  out.status = status_;
  out.reason = reason_;
  out.ended_us = last_seen_us_;
  return out;
}

}  // namespace bloatmeter
