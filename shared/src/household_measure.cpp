#include "bloatmeter/household_measure.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "bloatmeter/household_sentence.hpp"
#include "bloatmeter/probe_holds.hpp"
#include "bloatmeter/stats.hpp"
#include "bloatmeter/throughput_window.hpp"
#include "bloatmeter/user_grading.hpp"

namespace bloatmeter {
namespace {

// A flow's records in sequence order, each sequence number once (the first
// record of a duplicate counts).
std::vector<const TimedMessage*> by_seq(const std::vector<TimedMessage>& records) {
  std::vector<const TimedMessage*> out;
  for (const auto& m : records) out.push_back(&m);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  out.erase(std::unique(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq == b->seq; }), out.end());
  return out;
}

Micros transit_us(const TimedMessage& m) { return *m.received_us - m.sent_us; }

// Which of a flow's messages (by_seq order) its connection's loss recovery
// held up (probe_holds.hpp). An upload message was delivered at the server
// and its acknowledgement back at the client; a download message only at
// the client (sent on the server's clock, which the rule never compares
// with the client's).
std::vector<bool> held_messages(Direction d, const std::vector<const TimedMessage*>& messages) {
  std::vector<TimedDelivery> deliveries;
  deliveries.reserve(messages.size());
  for (const auto* m : messages)
    deliveries.push_back(
        {m->sent_us, m->received_us, d == Direction::Upload ? m->echoed_us : std::optional<Micros>{}});
  return held_in_transport(deliveries);
}

void measure_timed(Direction d, const std::vector<TimedMessage>& records,
                   const SenderCounts& sender, const HouseholdReference& ref, Micros late_budget_us,
                   DirectionFigures& f) {
  const auto messages = by_seq(records);
  std::optional<double> idle = d == Direction::Upload ? ref.idle_upload_transit_us : ref.idle_download_transit_us;
  if (!idle) {
    // No server times in the baseline: the flow's fastest message stands in.
    for (const auto* m : messages)
      if (m->received_us) idle = std::min(idle.value_or(static_cast<double>(transit_us(*m))), static_cast<double>(transit_us(*m)));
  }
  std::vector<double> added_ms, one_way_ms;
  const auto held = held_messages(d, messages);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto* m = messages[i];
    if (!m->received_us) {
      // Upload: sent on the client's clock, so "still in flight" is decidable.
      const bool in_flight = d == Direction::Upload && m->sent_us + ref.in_flight_grace_us > ref.window_end_us;
      if (in_flight) continue;
      ++f.sent;
      ++f.lost;
      continue;
    }
    ++f.sent;
    ++f.received;
    if (held[i]) {
      ++f.held;
      continue;
    }
    const double added_us = static_cast<double>(transit_us(*m)) - *idle;
    added_ms.push_back(added_us / 1000.0);
    if (added_us > static_cast<double>(late_budget_us)) ++f.late;
    if (ref.offset) {
      // Receive - send with the server side moved onto the client's clock.
      const double sign = d == Direction::Download ? 1.0 : -1.0;
      one_way_ms.push_back((static_cast<double>(transit_us(*m)) + sign * ref.offset->server_minus_client_us) / 1000.0);
    }
  }
  f.dropped = static_cast<std::size_t>(sender.dropped_messages);
  f.added_delay_ms = summarize(added_ms);
  f.one_way_median_ms = median_of(std::move(one_way_ms));
}

// Messages the profile schedules for a flow over the window.
double expected_messages(const FlowSpec& flow, const HouseholdReference& ref) {
  return flow.messages_per_second() * static_cast<double>(ref.window_end_us - ref.window_start_us) / 1e6;
}

// Bursts follow the schedule: burst b starts `period` after burst b - 1,
// burst 0 when the users' phase began. A burst whose deadline passed in the
// window is judged even if none of it arrived (the client then never saw
// it, so it has no record): the player would have rebuffered.
BurstFigures measure_bursts(const UserProfile& p, const UserSamples& samples, const HouseholdReference& ref) {
  BurstFigures b;
  b.budget_ms = static_cast<double>(p.burst_budget_us) / 1000.0;
  b.count = samples.bursts.size();
  if (!ref.offset) return b;  // starts are on the server's clock: untimed
  const double period = static_cast<double>(p.download.burst_period_us);
  const double budget = static_cast<double>(p.burst_budget_us);
  const double end = static_cast<double>(ref.window_end_us);
  // Where burst 0 started on the client's clock: from the earliest record
  // (the server stamps every start), else the window's start.
  std::map<std::uint32_t, const BurstRecord*> recorded;  // by index; a repeated index counts once
  for (const auto& burst : samples.bursts) recorded.emplace(burst.index, &burst);
  double origin = static_cast<double>(ref.window_start_us);
  if (!recorded.empty()) {
    const auto& [index, first] = *recorded.begin();
    origin = ref.offset->to_client_us(first->started_us) - index * period;
  }
  // No more bursts than the window can hold are looked at, whatever a
  // (malformed) result's records claim.
  const double window = static_cast<double>(ref.window_end_us - ref.window_start_us);
  const auto most = static_cast<std::uint32_t>(period > 0 ? std::min(window / period + 2, 1e6) : 0);
  std::uint32_t due = 0;  // bursts whose deadline passed within the window
  while (due < most && origin + due * period + budget <= end) ++due;
  std::vector<double> delivered_ms;
  std::uint32_t last = due;
  if (!recorded.empty()) last = std::min(most, std::max(last, recorded.rbegin()->first + 1));
  for (std::uint32_t i = 0; i < last; ++i) {
    const auto found = recorded.find(i);
    const BurstRecord* burst = found == recorded.end() ? nullptr : found->second;
    if (burst && burst->completed_us) {
      const double ms = (static_cast<double>(*burst->completed_us) - ref.offset->to_client_us(burst->started_us)) / 1000.0;
      delivered_ms.push_back(ms);
      ++b.judged;
      if (ms > b.budget_ms) ++b.late;
    } else if (i < due) {
      ++b.judged;  // its deadline passed undelivered
      ++b.late;
    }
  }
  b.count = last;
  if (!delivered_ms.empty()) {
    b.median_ms = median_of(delivered_ms);
    b.slowest_ms = *std::max_element(delivered_ms.begin(), delivered_ms.end());
    if (b.budget_ms > 0) b.slowest_percent = *b.slowest_ms / b.budget_ms * 100.0;
  }
  if (b.judged > 0) b.late_percent = 100.0 * static_cast<double>(b.late) / static_cast<double>(b.judged);
  return b;
}

std::optional<double> worst_of(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

HouseholdReference household_reference(const std::vector<const ProbeRecord*>& baseline_probes, Micros window_start_us,
                                       Micros window_end_us, const PhasePlan& plan) {
  HouseholdReference ref;
  ref.window_start_us = window_start_us;
  ref.window_end_us = std::max(window_start_us, window_end_us);
  ref.min_answered_ratio = plan.min_answered_ratio;
  ref.in_flight_grace_us = plan.late_after_us;
  std::vector<double> rtt, up, down;
  for (const auto* p : baseline_probes) {
    if (!p->received_us) continue;
    rtt.push_back(static_cast<double>(*p->received_us - p->sent_us) / 1000.0);
    if (!p->server_recv_us) continue;
    up.push_back(static_cast<double>(*p->server_recv_us - p->sent_us));
    const Micros server_sent = *p->server_recv_us + p->server_echo_us.value_or(0);
    down.push_back(static_cast<double>(*p->received_us - server_sent));
  }
  ref.baseline_rtt_ms = median_of(std::move(rtt));
  ref.idle_upload_transit_us = median_of(std::move(up));
  ref.idle_download_transit_us = median_of(std::move(down));
  ref.offset = estimate_clock_offset(baseline_probes);
  return ref;
}

UserSummary summarize_user(const UserProfile& p, const UserSamples& samples, const HouseholdReference& ref) {
  UserSummary s;
  s.id = p.id;
  s.role = p.role;
  s.latency_sensitive = p.latency_sensitive;

  double achieved_capped = 0, demanded = 0;
  for (Direction d : {Direction::Download, Direction::Upload}) {
    const FlowSpec& flow = p.flow(d);
    DirectionFigures& f = d == Direction::Download ? s.download : s.upload;
    f.timed = flow.timed;
    f.demanded_mbps = flow.demanded_mbps();
    if (ref.window_end_us > ref.window_start_us)
      f.achieved_mbps = mbps_in_window(samples.throughput, d, ref.window_start_us, ref.window_end_us).value_or(0.0);
    if (f.demanded_mbps > 0) {
      demanded += f.demanded_mbps;
      achieved_capped += std::min(f.achieved_mbps.value_or(0.0), f.demanded_mbps);
    }
    if (!flow.timed) continue;
    const auto& records = d == Direction::Download ? samples.download : samples.upload;
    const auto& sender = d == Direction::Download ? samples.download_sender : samples.upload_sender;
    measure_timed(d, records, sender, ref, p.late_budget_us, f);
    const double expected = expected_messages(flow, ref);
    if (static_cast<double>(f.received + f.dropped) < ref.min_answered_ratio * expected) s.valid = false;
  }
  if (demanded > 0 && ref.window_end_us > ref.window_start_us) s.demand_ratio = achieved_capped / demanded;

  // Round trips: the upload messages' acknowledgements, in send order, but
  // those the connection's loss recovery held up.
  std::vector<double> rtt;
  const auto uploads = by_seq(samples.upload);
  const auto held = held_messages(Direction::Upload, uploads);
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    const auto* m = uploads[i];
    if (!held[i] && m->echoed_us && *m->echoed_us >= m->sent_us)
      rtt.push_back(static_cast<double>(*m->echoed_us - m->sent_us) / 1000.0);
  }
  s.rtt_ms = summarize(rtt);
  if (s.rtt_ms && ref.baseline_rtt_ms) {
    s.rtt_increase_ms = s.rtt_ms->median - *ref.baseline_rtt_ms;
    s.rtt_increase_p95_ms = s.rtt_ms->p95 - *ref.baseline_rtt_ms;
    s.rtt_increase_p99_ms = s.rtt_ms->p99 - *ref.baseline_rtt_ms;
  }

  std::size_t bad = 0, due = 0;
  for (const DirectionFigures* f : {&s.download, &s.upload}) {
    if (!f->timed) continue;
    if (f->added_delay_ms) {
      s.one_way_increase_p95_ms = worst_of(s.one_way_increase_p95_ms, f->added_delay_ms->p95);
      s.jitter_ms = worst_of(s.jitter_ms, f->added_delay_ms->jitter);
    }
    bad += f->late + f->lost + f->dropped;
    due += f->sent + f->dropped;
  }
  if (due > 0) s.late_percent = 100.0 * static_cast<double>(bad) / static_cast<double>(due);

  if (p.download.pattern == TrafficPattern::Burst) s.bursts = measure_bursts(p, samples, ref);

  if (const auto decision = grade_user(p, s)) {
    s.grade = decision->grade;
    s.deciding_metric = decision->metric;
    s.deciding_value = decision->value;
  }
  s.sentence = user_sentence(p, s);
  return s;
}

}  // namespace bloatmeter
