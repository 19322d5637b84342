#include "bloatmeter/udp_series.hpp"

#include <algorithm>

#include "bloatmeter/udp_lane_tally.hpp"

namespace bloatmeter {
namespace {

std::optional<double> share_percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

template <typename T>
void fill_udp_counts(T& out, const UdpLaneCounts& c, const std::optional<UdpOneWayDelays>& delays) {
  out.requests = c.requests_sent;
  out.answered = c.answered;
  out.server_unanswered = c.server_unanswered;
  out.in_flight = c.in_flight;
  out.lost_unattributed = c.lost_unattributed;
  out.up = udp_direction_summary(c.up, delays ? delays->up_ms : std::vector<double>{});
  out.down = udp_direction_summary(c.down, delays ? delays->down_ms : std::vector<double>{});
}

}  // namespace

UdpDirectionSummary udp_direction_summary(const UdpDirectionCounts& c, const std::vector<double>& one_way_ms) {
  UdpDirectionSummary d;
  d.sent = c.sent;
  d.received = c.received;
  d.lost = c.lost;
  d.reordered = c.reordered;
  d.duplicated = c.duplicated;
  d.late = c.late;
  d.loss_percent = share_percent(c.lost, c.sent);
  d.late_percent = share_percent(c.late, c.received);
  d.one_way_ms = summarize(one_way_ms);
  return d;
}

std::pair<std::uint32_t, std::uint32_t> udp_seqs_sent_in(const std::vector<Micros>& sent_us, Micros from_us,
                                                          Micros to_us) {
  const auto first = std::lower_bound(sent_us.begin(), sent_us.end(), from_us) - sent_us.begin();
  const auto end = std::lower_bound(sent_us.begin(), sent_us.end(), std::max(from_us, to_us)) - sent_us.begin();
  return {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(end)};
}

UdpLaneTally replay_udp_tally(const UdpRaw& raw, const UdpLaneRules& rules) {
  UdpLaneTally tally(rules);
  for (const auto sent_us : raw.request_sent_us) tally.next_request(sent_us);
  for (const auto& r : raw.replies) {
    udp_probe_wire::Reply reply;
    reply.seq = r.seq;
    reply.reply_seq = r.reply_seq;
    reply.requests_received = r.requests_received;
    reply.client_send_us = static_cast<std::uint64_t>(raw.request_sent_us[r.seq]);
    reply.server_recv_us = r.server_recv_us;
    reply.server_send_us = r.server_send_us;
    tally.on_reply(reply, r.received_us);  // one the tally ignores is no reply to this flow: left out
  }
  return tally;
}

std::optional<UdpSeriesSummary> summarize_udp_series(const Result& result, const ProbeLane& lane) {
  if (!result.raw.udp) return std::nullopt;
  const auto& raw = *result.raw.udp;
  UdpSeriesSummary s;
  s.status = raw.status;
  s.reason = raw.reason;
  s.send_failed = raw.send_failed;

  const auto tally = replay_udp_tally(raw, UdpLaneRules{result.plan.udp_late_after_us, result.plan.late_after_us});

  std::optional<ClockOffset> offset = lane.offset;
  if (offset) {
    s.offset_from = "probe_lane";
  } else if (lane.baseline) {
    const auto& base = lane.windows[*lane.baseline];
    const auto [first, end] = udp_seqs_sent_in(raw.request_sent_us, base.measured_start_us, base.end_us);
    offset = tally.clock_offset(first, end);
    if (offset) s.offset_from = "udp";
  }
  const auto delays_of = [&](std::uint32_t first, std::uint32_t end) -> std::optional<UdpOneWayDelays> {
    if (!offset) return std::nullopt;
    return tally.one_way_delays(*offset, first, end);
  };
  fill_udp_counts(s, tally.counts(raw.ended_us), delays_of(0, UINT32_MAX));
  for (const auto& w : lane.windows) {
    const auto [first, end] = udp_seqs_sent_in(raw.request_sent_us, w.measured_start_us, w.end_us);
    UdpPhaseSummary phase;
    phase.name = w.spec.name;
    fill_udp_counts(phase, tally.counts_for(first, end, raw.ended_us), delays_of(first, end));
    s.phases.push_back(std::move(phase));
  }
  return s;
}

std::string_view to_string(UdpSeriesStatus s) {
  switch (s) {
    case UdpSeriesStatus::Measured: return "measured";
    case UdpSeriesStatus::Blocked: return "blocked";
    case UdpSeriesStatus::Refused: return "refused";
    case UdpSeriesStatus::Unavailable: return "unavailable";
    case UdpSeriesStatus::Off: return "off";
  }
  return "measured";
}

std::optional<UdpSeriesStatus> udp_series_status_from_string(std::string_view s) {
  for (auto status : {UdpSeriesStatus::Measured, UdpSeriesStatus::Blocked, UdpSeriesStatus::Refused,
                      UdpSeriesStatus::Unavailable, UdpSeriesStatus::Off})
    if (to_string(status) == s) return status;
  return std::nullopt;
}

const UdpPhaseSummary* UdpSeriesSummary::phase(std::string_view name) const {
  for (const auto& p : phases)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<UdpRoundTrip> udp_round_trips(const UdpRaw& raw) {
  std::vector<UdpRoundTrip> out;
  std::vector<bool> seen(raw.request_sent_us.size(), false);
  for (const auto& r : raw.replies) {
    if (r.seq >= seen.size() || seen[r.seq]) continue;
    seen[r.seq] = true;
    const Micros sent = raw.request_sent_us[r.seq];
    const Micros held = r.server_send_us - r.server_recv_us;
    out.push_back({r.seq, sent, static_cast<double>(r.received_us - sent - held) / 1000.0});
  }
  return out;
}

}  // namespace bloatmeter
