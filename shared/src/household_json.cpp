#include "household_json.hpp"

#include <cstdint>

#include "json_values.hpp"

namespace bloatmeter::detail {

using nlohmann::json;

namespace {

// ---- raw ----------------------------------------------------------------

json message_to_json(const TimedMessage& m) {
  return {{"seq", m.seq},
          {"bytes", m.bytes},
          {"sent_us", m.sent_us},
          {"received_us", opt(m.received_us)},
          {"echoed_us", opt(m.echoed_us)}};
}

TimedMessage message_from(const JsonReader& in) {
  TimedMessage m;
  m.seq = in.uint32("seq");
  m.bytes = in.uint32("bytes");
  m.sent_us = in.time_us("sent_us");
  m.received_us = in.optional_time_us("received_us");
  m.echoed_us = in.optional_time_us("echoed_us");
  // sent and echoed are both on the client's clock; received is on the
  // other side's, so it cannot be compared with sent here.
  if (m.echoed_us && *m.echoed_us < m.sent_us) in.fail("echoed_us", "earlier than sent_us");
  return m;
}

json sender_to_json(const SenderCounts& c) {
  return {{"sent_messages", c.sent_messages},
          {"sent_bytes", c.sent_bytes},
          {"dropped_messages", c.dropped_messages},
          {"dropped_bytes", c.dropped_bytes}};
}

SenderCounts sender_from(const JsonReader& in) {
  SenderCounts c;
  c.sent_messages = static_cast<std::uint64_t>(in.non_negative("sent_messages"));
  c.sent_bytes = static_cast<std::uint64_t>(in.non_negative("sent_bytes"));
  c.dropped_messages = static_cast<std::uint64_t>(in.non_negative("dropped_messages"));
  c.dropped_bytes = static_cast<std::uint64_t>(in.non_negative("dropped_bytes"));
  return c;
}

json user_samples_to_json(const UserSamples& u) {
  json down = json::array(), up = json::array(), bursts = json::array(), tput = json::array();
  for (const auto& m : u.download) down.push_back(message_to_json(m));
  for (const auto& m : u.upload) up.push_back(message_to_json(m));
  for (const auto& b : u.bursts)
    bursts.push_back({{"index", b.index},
                      {"started_us", b.started_us},
                      {"bytes", b.bytes},
                      {"received_bytes", b.received_bytes},
                      {"completed_us", opt(b.completed_us)}});
  for (const auto& t : u.throughput) tput.push_back(interval_to_json(t));
  return {{"user", u.user},
          {"download", down},
          {"upload", up},
          {"bursts", bursts},
          {"throughput", tput},
          {"download_sender", sender_to_json(u.download_sender)},
          {"upload_sender", sender_to_json(u.upload_sender)}};
}

UserSamples user_samples_from(const JsonReader& in) {
  UserSamples u;
  u.user = in.string("user");
  in.each("download", [&](const JsonReader& m) { u.download.push_back(message_from(m)); });
  in.each("upload", [&](const JsonReader& m) { u.upload.push_back(message_from(m)); });
  in.each("bursts", [&](const JsonReader& b) {
    BurstRecord r;
    r.index = b.uint32("index");
    r.started_us = b.time_us("started_us");
    r.bytes = static_cast<std::uint64_t>(b.non_negative("bytes"));
    r.received_bytes = static_cast<std::uint64_t>(b.non_negative("received_bytes"));
    r.completed_us = b.optional_time_us("completed_us");
    if (r.received_bytes > r.bytes) b.fail("received_bytes", "more than the burst's bytes");
    u.bursts.push_back(r);
  }, 100'000);
  in.each("throughput", [&](const JsonReader& t) { u.throughput.push_back(interval_from(t)); });
  u.download_sender = sender_from(in.object("download_sender"));
  u.upload_sender = sender_from(in.object("upload_sender"));
  return u;
}

// ---- summary ------------------------------------------------------------

json direction_to_json(const DirectionFigures& f) {
  return {{"timed", f.timed},
          {"sent", f.sent},
          {"received", f.received},
          {"late", f.late},
          {"lost", f.lost},
          {"dropped", f.dropped},
          {"held", f.held},
          {"added_delay_ms", stats_or_null(f.added_delay_ms)},
          {"one_way_median_ms", opt(f.one_way_median_ms)},
          {"achieved_mbps", opt(f.achieved_mbps)},
          {"demanded_mbps", f.demanded_mbps}};
}

DirectionFigures direction_from(const JsonReader& in) {
  DirectionFigures f;
  f.timed = in.boolean("timed");
  f.sent = in.count("sent");
  f.received = in.count("received");
  f.late = in.count("late");
  f.lost = in.count("lost");
  f.dropped = in.count("dropped");
  // Absent from files written before it was counted: recomputed anyway.
  if (in.has("held")) f.held = in.count("held");
  f.added_delay_ms = stats_from(in, "added_delay_ms");
  f.one_way_median_ms = in.optional_number("one_way_median_ms");
  f.achieved_mbps = in.optional_number("achieved_mbps");
  f.demanded_mbps = in.number("demanded_mbps");
  return f;
}

json bursts_to_json(const BurstFigures& b) {
  return {{"budget_ms", b.budget_ms},
          {"count", b.count},
          {"judged", b.judged},
          {"late", b.late},
          {"median_ms", opt(b.median_ms)},
          {"slowest_ms", opt(b.slowest_ms)},
          {"slowest_percent", opt(b.slowest_percent)},
          {"late_percent", opt(b.late_percent)}};
}

BurstFigures bursts_from(const JsonReader& in) {
  BurstFigures b;
  b.budget_ms = in.number("budget_ms");
  b.count = in.count("count");
  b.judged = in.count("judged");
  b.late = in.count("late");
  b.median_ms = in.optional_number("median_ms");
  b.slowest_ms = in.optional_number("slowest_ms");
  b.slowest_percent = in.optional_number("slowest_percent");
  b.late_percent = in.optional_number("late_percent");
  return b;
}

json user_summary_to_json(const UserSummary& u) {
  return {{"id", u.id},
          {"role", u.role},
          {"latency_sensitive", u.latency_sensitive},
          {"valid", u.valid},
          {"rtt_ms", stats_or_null(u.rtt_ms)},
          {"rtt_increase_ms", opt(u.rtt_increase_ms)},
          {"rtt_increase_p95_ms", opt(u.rtt_increase_p95_ms)},
          {"rtt_increase_p99_ms", opt(u.rtt_increase_p99_ms)},
          {"one_way_increase_p95_ms", opt(u.one_way_increase_p95_ms)},
          {"jitter_ms", opt(u.jitter_ms)},
          {"late_percent", opt(u.late_percent)},
          {"download", direction_to_json(u.download)},
          {"upload", direction_to_json(u.upload)},
          {"bursts", u.bursts ? bursts_to_json(*u.bursts) : json(nullptr)},
          {"demand_ratio", opt(u.demand_ratio)},
          {"grade", grade_or_null(u.grade)},
          {"deciding_metric", u.deciding_metric ? json(to_string(*u.deciding_metric)) : json(nullptr)},
          {"deciding_value", opt(u.deciding_value)},
          {"sentence", u.sentence}};
}

UserSummary user_summary_from(const JsonReader& in) {
  UserSummary u;
  u.id = in.string("id");
  u.role = in.string("role");
  u.latency_sensitive = in.boolean("latency_sensitive");
  u.valid = in.boolean("valid");
  u.rtt_ms = stats_from(in, "rtt_ms");
  u.rtt_increase_ms = in.optional_number("rtt_increase_ms");
  u.rtt_increase_p95_ms = in.optional_number("rtt_increase_p95_ms");
  u.rtt_increase_p99_ms = in.optional_number("rtt_increase_p99_ms");
  u.one_way_increase_p95_ms = in.optional_number("one_way_increase_p95_ms");
  u.jitter_ms = in.optional_number("jitter_ms");
  u.late_percent = in.optional_number("late_percent");
  u.download = direction_from(in.object("download"));
  u.upload = direction_from(in.object("upload"));
  if (in.has("bursts")) u.bursts = bursts_from(in.object("bursts"));
  u.demand_ratio = in.optional_number("demand_ratio");
  u.grade = grade_from(in, "grade");
  if (in.has("deciding_metric")) {
    u.deciding_metric = grade_metric_from_string(in.string("deciding_metric"));
    if (!u.deciding_metric) in.fail("deciding_metric", "unknown metric '" + in.string("deciding_metric") + "'");
  }
  u.deciding_value = in.optional_number("deciding_value");
  u.sentence = in.string_or("sentence", "");
  return u;
}

}  // namespace

json household_raw_to_json(const HouseholdRaw& raw) {
  json users = json::array();
  for (const auto& u : raw.users) users.push_back(user_samples_to_json(u));
  return {{"users", users}};
}

HouseholdRaw household_raw_from(const JsonReader& in) {
  HouseholdRaw raw;
  in.each("users", [&](const JsonReader& u) {
    auto samples = user_samples_from(u);
    if (raw.find(samples.user)) u.fail("user", "'" + samples.user + "' has samples twice");
    raw.users.push_back(std::move(samples));
  }, kMaxHouseholdUsers);
  return raw;
}

json household_summary_to_json(const HouseholdSummary& s) {
  json users = json::array();
  for (const auto& u : s.users) users.push_back(user_summary_to_json(u));
  return {{"users", users},
          {"grade", grade_or_null(s.grade)},
          {"fairness", opt(s.fairness)},
          {"fairness_grade", grade_or_null(s.fairness_grade)},
          {"demand_met", opt(s.demand_met)},
          {"fairness_sentence", s.fairness_sentence}};
}

HouseholdSummary household_summary_from(const JsonReader& in) {
  HouseholdSummary s;
  in.each("users", [&](const JsonReader& u) { s.users.push_back(user_summary_from(u)); }, kMaxHouseholdUsers);
  s.grade = grade_from(in, "grade");
  s.fairness = in.optional_number("fairness");
  s.fairness_grade = grade_from(in, "fairness_grade");
  s.demand_met = in.optional_number("demand_met");
  s.fairness_sentence = in.string_or("fairness_sentence", "");
  return s;
}

}  // namespace bloatmeter::detail
