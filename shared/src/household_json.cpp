#include "household_json.hpp"

#include <cstdint>

namespace bloatmeter::detail {

using nlohmann::json;

namespace {

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json grade_or_null(const std::optional<Grade>& g) { return g ? json(to_string(*g)) : json(nullptr); }

std::optional<Grade> grade_from(const JsonReader& in, const std::string& key) {
  if (!in.has(key)) return std::nullopt;
  auto g = grade_from_string(in.string(key));
  if (!g) in.fail(key, "expected a grade (A+, A, B, C, D or F)");
  return g;
}

std::uint32_t u32(const JsonReader& in, const std::string& key) {
  const auto v = in.non_negative(key);
  if (v > UINT32_MAX) in.fail(key, "out of range");
  return static_cast<std::uint32_t>(v);
}

std::size_t count(const JsonReader& in, const std::string& key) { return static_cast<std::size_t>(in.non_negative(key)); }

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
  m.seq = u32(in, "seq");
  m.bytes = u32(in, "bytes");
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
  for (const auto& t : u.throughput)
    tput.push_back({{"direction", to_string(t.direction)},
                    {"stream", t.stream},
                    {"start_us", t.start_us},
                    {"duration_us", t.duration_us},
                    {"bytes", t.bytes}});
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
    r.index = u32(b, "index");
    r.started_us = b.time_us("started_us");
    r.bytes = static_cast<std::uint64_t>(b.non_negative("bytes"));
    r.received_bytes = static_cast<std::uint64_t>(b.non_negative("received_bytes"));
    r.completed_us = b.optional_time_us("completed_us");
    if (r.received_bytes > r.bytes) b.fail("received_bytes", "more than the burst's bytes");
    u.bursts.push_back(r);
  }, 100'000);
  in.each("throughput", [&](const JsonReader& t) {
    ThroughputInterval iv;
    if (!direction_from_string(t.string("direction"), iv.direction)) t.fail("direction", "expected download or upload");
    iv.stream = static_cast<int>(t.integer_in("stream", 0, kMaxStreamIds));
    iv.start_us = t.time_us("start_us");
    iv.duration_us = t.integer_in("duration_us", 0, kMaxTestUs);
    iv.bytes = static_cast<std::uint64_t>(t.non_negative("bytes"));
    u.throughput.push_back(iv);
  });
  u.download_sender = sender_from(in.object("download_sender"));
  u.upload_sender = sender_from(in.object("upload_sender"));
  return u;
}

// ---- summary ------------------------------------------------------------

json stats_to_json(const SeriesStats& s) {
  return {{"count", s.count}, {"min", s.min}, {"p25", s.p25}, {"median", s.median},
          {"mean", s.mean},   {"p75", s.p75}, {"p90", s.p90}, {"p95", s.p95},
          {"p99", s.p99},     {"max", s.max}, {"jitter", opt(s.jitter)}};
}

std::optional<SeriesStats> stats_from(const JsonReader& in, const std::string& key) {
  if (!in.has(key)) return std::nullopt;
  const auto r = in.object(key);
  SeriesStats s;
  s.count = count(r, "count");
  s.min = r.number("min");
  s.p25 = r.number("p25");
  s.median = r.number("median");
  s.mean = r.number("mean");
  s.p75 = r.number("p75");
  s.p90 = r.number("p90");
  s.p95 = r.number("p95");
  s.p99 = r.number("p99");
  s.max = r.number("max");
  s.jitter = r.optional_number("jitter");
  return s;
}

json direction_to_json(const DirectionFigures& f) {
  return {{"timed", f.timed},
          {"sent", f.sent},
          {"received", f.received},
          {"late", f.late},
          {"lost", f.lost},
          {"dropped", f.dropped},
          {"added_delay_ms", f.added_delay_ms ? stats_to_json(*f.added_delay_ms) : json(nullptr)},
          {"one_way_median_ms", opt(f.one_way_median_ms)},
          {"achieved_mbps", opt(f.achieved_mbps)},
          {"demanded_mbps", f.demanded_mbps}};
}

DirectionFigures direction_from(const JsonReader& in) {
  DirectionFigures f;
  f.timed = in.boolean("timed");
  f.sent = count(in, "sent");
  f.received = count(in, "received");
  f.late = count(in, "late");
  f.lost = count(in, "lost");
  f.dropped = count(in, "dropped");
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
  b.count = count(in, "count");
  b.judged = count(in, "judged");
  b.late = count(in, "late");
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
          {"rtt_ms", u.rtt_ms ? stats_to_json(*u.rtt_ms) : json(nullptr)},
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
