#include "bloatmeter/udp_lane_tally.hpp"

#include <algorithm>

#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {
namespace {

// How far a server's counters may run past the requests sent: every arrival
// is counted, so only duplicates on the way out take it beyond. Anything
// further is not a server answering this client, and would make the
// per-reply_seq table as large as the forger liked.
std::uint64_t counter_ceiling(std::size_t requests_sent) { return 2 * std::uint64_t{requests_sent} + 64; }

// How many of `delays_us` exceed their minimum by more than `late_after_us`.
std::uint64_t late_among(const std::vector<Micros>& delays_us, Micros late_after_us) {
  if (delays_us.empty()) return 0;
  const auto fastest = *std::min_element(delays_us.begin(), delays_us.end());
  return static_cast<std::uint64_t>(
      std::count_if(delays_us.begin(), delays_us.end(), [&](Micros d) { return d - fastest > late_after_us; }));
}

}  // namespace

std::uint32_t UdpLaneTally::next_request(Micros now_us) {
  sent_.push_back(Sent{now_us, std::nullopt});
  return static_cast<std::uint32_t>(sent_.size() - 1);
}

const UdpLaneTally::Arrival* UdpLaneTally::arrival_of(std::uint32_t reply_seq) const {
  if (reply_seq >= replies_.size() || !replies_[reply_seq]) return nullptr;
  return &*replies_[reply_seq];
}

UdpLaneTally::ReplyKind UdpLaneTally::on_reply(const udp_probe_wire::Reply& reply, Micros now_us) {
  if (reply.seq >= sent_.size()) return ReplyKind::Ignored;
  auto& request = sent_[reply.seq];
  // The echoed send time must be the request's own: a reply that does not
  // know it answers nothing this client sent.
  if (reply.client_send_us != static_cast<std::uint64_t>(request.sent_us) || now_us < request.sent_us)
    return ReplyKind::Ignored;
  if (!is_plausible_time_us(reply.server_recv_us) || !is_plausible_time_us(reply.server_send_us) ||
      reply.server_send_us < reply.server_recv_us)
    return ReplyKind::Ignored;
  const auto ceiling = counter_ceiling(sent_.size());
  if (reply.requests_received == 0 || reply.reply_seq >= reply.requests_received ||
      reply.requests_received > ceiling)
    return ReplyKind::Ignored;

  if (const auto* earlier = arrival_of(reply.reply_seq)) {
    // The same reply_seq again: a copy made on the way back, unless it
    // names another request (then it is no reply of this server's).
    if (earlier->seq != reply.seq || earlier->requests_received != reply.requests_received)
      return ReplyKind::Ignored;
    ++down_duplicated_;
    ++replies_[reply.reply_seq]->copies;
    return ReplyKind::DuplicatedDownstream;
  }
  if (reply.reply_seq >= replies_.size()) replies_.resize(std::size_t{reply.reply_seq} + 1);
  const bool reordered = highest_reply_seq_ && reply.reply_seq < *highest_reply_seq_;
  replies_[reply.reply_seq] = Arrival{reply.seq,    reply.reply_seq,       reply.requests_received, now_us,
                                      reply.server_recv_us, reply.server_send_us, reordered, 0};
  arrival_order_.push_back(reply.reply_seq);
  if (reordered) ++down_reordered_;
  highest_reply_seq_ = std::max(highest_reply_seq_.value_or(0), reply.reply_seq);

  if (request.first_reply) {
    ++up_duplicated_;
    return ReplyKind::DuplicatedUpstream;
  }
  request.first_reply = reply.reply_seq;
  return ReplyKind::First;
}

UdpLaneCounts UdpLaneTally::counts(Micros now_us) const {
  UdpLaneCounts c;
  c.requests_sent = sent_.size();

  // Downstream: the replies up to the highest reply_seq were all sent.
  c.down.sent = highest_reply_seq_ ? std::uint64_t{*highest_reply_seq_} + 1 : 0;
  c.down.received = arrival_order_.size();
  c.down.lost = c.down.sent - c.down.received;
  c.down.reordered = down_reordered_;
  c.down.duplicated = down_duplicated_;
  std::vector<Micros> down_delays;
  down_delays.reserve(arrival_order_.size());
  for (const auto reply_seq : arrival_order_) {
    const auto& a = *replies_[reply_seq];
    down_delays.push_back(a.client_recv_us - a.server_send_us);
  }
  c.down.late = late_among(down_delays, rules_.late_after_us);

  // Upstream: the server's arrival order, one entry per reply received.
  std::vector<const Arrival*> by_arrival;
  by_arrival.reserve(arrival_order_.size());
  for (const auto reply_seq : arrival_order_) by_arrival.push_back(&*replies_[reply_seq]);
  std::sort(by_arrival.begin(), by_arrival.end(),
            [](const Arrival* a, const Arrival* b) { return a->requests_received < b->requests_received; });
  std::optional<std::uint32_t> highest_seq;
  std::vector<bool> arrived(sent_.size(), false);
  for (const auto* a : by_arrival) {
    if (arrived[a->seq]) continue;  // a duplicate, counted as such
    arrived[a->seq] = true;
    if (highest_seq && a->seq < *highest_seq) ++c.up.reordered;
    highest_seq = std::max(highest_seq.value_or(0), a->seq);
  }
  if (!by_arrival.empty()) {
    // The latest arrival the client heard of: the server had received
    // requests_received requests by then and answered reply_seq + 1.
    const auto* last = by_arrival.back();
    c.server_unanswered = last->requests_received - (std::uint64_t{last->reply_seq} + 1);
    c.up.sent = std::uint64_t{*highest_seq} + 1;
    const auto arrivals = last->requests_received - std::min<std::uint64_t>(up_duplicated_, last->requests_received);
    // More arrivals than distinct requests up to the highest one: copies
    // made on the way out that the server counted but did not answer
    // (over its rate). Distinct datagrams received never exceed those sent.
    c.up.received = std::min(arrivals, c.up.sent);
    c.up.duplicated = arrivals - c.up.received;
    c.up.lost = c.up.sent - c.up.received;
  }
  c.up.duplicated += up_duplicated_;

  std::vector<Micros> up_delays;
  for (std::size_t seq = 0; seq < sent_.size(); ++seq) {
    const auto& request = sent_[seq];
    if (request.first_reply) {
      ++c.answered;
      up_delays.push_back(replies_[*request.first_reply]->server_recv_us - request.sent_us);
    } else if (!highest_seq || seq > *highest_seq) {
      // After the last request known to have arrived: nobody can say which
      // way it was lost, or whether it is only slow.
      if (now_us - request.sent_us >= rules_.give_up_after_us) ++c.lost_unattributed;
      else ++c.in_flight;
    }
  }
  c.up.late = late_among(up_delays, rules_.late_after_us);
  return c;
}

UdpLaneCounts UdpLaneTally::counts_for(std::uint32_t first_seq, std::uint32_t end_seq, Micros now_us) const {
  UdpLaneCounts c;
  const auto end = std::min<std::size_t>(end_seq, sent_.size());
  const auto first = std::min<std::size_t>(first_seq, end);
  c.requests_sent = end - first;
  const auto in_range = [&](std::uint32_t seq) { return seq >= first && seq < end; };

  // The whole flow's fastest one-way delays (offset-free: late is relative)
  // and, per request, whether it arrived at the server out of order.
  std::optional<Micros> fastest_up, fastest_down;
  std::vector<const Arrival*> by_arrival;
  by_arrival.reserve(arrival_order_.size());
  for (const auto reply_seq : arrival_order_) {
    const auto& a = *replies_[reply_seq];
    by_arrival.push_back(&a);
    const auto down = a.client_recv_us - a.server_send_us;
    fastest_down = std::min(fastest_down.value_or(down), down);
    const auto up = a.server_recv_us - sent_[a.seq].sent_us;
    fastest_up = std::min(fastest_up.value_or(up), up);
  }
  std::sort(by_arrival.begin(), by_arrival.end(),
            [](const Arrival* a, const Arrival* b) { return a->requests_received < b->requests_received; });
  std::vector<bool> seen(sent_.size(), false);
  std::optional<std::uint32_t> highest_seq;
  for (const auto* a : by_arrival) {
    if (seen[a->seq]) {
      if (in_range(a->seq)) ++c.up.duplicated;  // the server answered a second copy of it
      continue;
    }
    seen[a->seq] = true;
    if (in_range(a->seq) && highest_seq && a->seq < *highest_seq) ++c.up.reordered;
    highest_seq = std::max(highest_seq.value_or(0), a->seq);
  }

  // Every datagram that arrived here, filed under its request.
  for (const auto reply_seq : arrival_order_) {
    const auto& a = *replies_[reply_seq];
    if (!in_range(a.seq)) continue;
    ++c.down.received;
    c.down.duplicated += a.copies;
    if (a.reordered_down) ++c.down.reordered;
    if (a.client_recv_us - a.server_send_us - *fastest_down > rules_.late_after_us) ++c.down.late;
  }
  for (std::size_t seq = first; seq < end; ++seq) {
    if (!sent_[seq].first_reply) continue;
    ++c.answered;
    const auto& a = *replies_[*sent_[seq].first_reply];
    if (a.server_recv_us - sent_[seq].sent_us - *fastest_up > rules_.late_after_us) ++c.up.late;
  }
  c.up.received = c.answered;  // and, below, the gaps' requests that reached the server

  // The gaps, each counted whole in the range of its first request.
  const auto answered = [&](std::size_t seq) { return sent_[seq].first_reply.has_value(); };
  std::size_t seq = first;
  if (seq > 0 && !answered(seq - 1)) {  // a gap begun in an earlier range is that range's
    auto next = seq;
    while (next < sent_.size() && !answered(next)) ++next;
    if (next < sent_.size()) seq = std::min<std::size_t>(next, end);
  }
  while (seq < end) {
    if (answered(seq)) {
      ++seq;
      continue;
    }
    const auto gap_start = seq;
    auto next = seq;
    while (next < sent_.size() && !answered(next)) ++next;
    if (next == sent_.size()) {
      // After the last answered request: each one judged alone, by age.
      for (; seq < end; ++seq)
        if (now_us - sent_[seq].sent_us >= rules_.give_up_after_us) ++c.lost_unattributed;
        else ++c.in_flight;
      break;
    }
    const auto gap = static_cast<std::int64_t>(next - gap_start);
    const auto& after = *replies_[*sent_[next].first_reply];
    std::int64_t reply_before = -1, received_before = 0;
    if (gap_start > 0) {
      const auto& before = *replies_[*sent_[gap_start - 1].first_reply];
      reply_before = before.reply_seq;
      received_before = before.requests_received;
    }
    const auto lost_down = std::clamp<std::int64_t>(std::int64_t{after.reply_seq} - reply_before - 1, 0, gap);
    const auto reached = std::clamp<std::int64_t>(std::int64_t{after.requests_received} - received_before - 1, lost_down, gap);
    c.down.lost += static_cast<std::uint64_t>(lost_down);
    c.server_unanswered += static_cast<std::uint64_t>(reached - lost_down);
    c.up.received += static_cast<std::uint64_t>(reached);
    c.up.lost += static_cast<std::uint64_t>(gap - reached);
    seq = next;
  }
  c.up.sent = c.up.received + c.up.lost;
  c.down.sent = c.down.received + c.down.lost;
  return c;
}

std::optional<ClockOffset> UdpLaneTally::clock_offset(std::uint32_t first_seq, std::uint32_t end_seq) const {
  std::vector<ProbeRecord> records;
  for (std::size_t seq = first_seq; seq < std::min<std::size_t>(end_seq, sent_.size()); ++seq) {
    const auto& request = sent_[seq];
    if (!request.first_reply) continue;
    const auto& a = *replies_[*request.first_reply];
    ProbeRecord p;
    p.seq = static_cast<std::uint32_t>(seq);
    p.sent_us = request.sent_us;
    p.server_recv_us = a.server_recv_us;
    // The round trip without the server's hold, so the symmetric split is
    // of the path alone.
    p.received_us = a.client_recv_us - (a.server_send_us - a.server_recv_us);
    records.push_back(p);
  }
  std::vector<const ProbeRecord*> pointers;
  pointers.reserve(records.size());
  for (const auto& p : records) pointers.push_back(&p);
  return estimate_clock_offset(pointers);
}

UdpOneWayDelays UdpLaneTally::one_way_delays(const ClockOffset& offset, std::uint32_t first_seq,
                                             std::uint32_t end_seq) const {
  UdpOneWayDelays out;
  const auto end = std::min<std::size_t>(end_seq, sent_.size());
  // Integer differences first: the two clocks' epochs may be far apart.
  for (std::size_t seq = first_seq; seq < end; ++seq) {
    const auto& request = sent_[seq];
    if (!request.first_reply) continue;
    const auto& a = *replies_[*request.first_reply];
    out.up_ms.push_back((static_cast<double>(a.server_recv_us - request.sent_us) - offset.server_minus_client_us) /
                        1000.0);
  }
  for (const auto reply_seq : arrival_order_) {
    const auto& a = *replies_[reply_seq];
    if (a.seq < first_seq || a.seq >= end) continue;
    out.down_ms.push_back((static_cast<double>(a.client_recv_us - a.server_send_us) + offset.server_minus_client_us) /
                          1000.0);
  }
  return out;
}

}  // namespace bloatmeter
