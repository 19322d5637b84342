#include "json_values.hpp"

namespace bloatmeter::detail {

using nlohmann::json;

json grade_or_null(const std::optional<Grade>& g) { return g ? json(to_string(*g)) : json(nullptr); }

std::optional<Grade> grade_from(const JsonReader& in, const std::string& key) {
  if (!in.has(key)) return std::nullopt;
  auto g = grade_from_string(in.string(key));
  if (!g) in.fail(key, "expected a grade (A+, A, B, C, D or F)");
  return g;
}

json stats_or_null(const std::optional<SeriesStats>& s) {
  if (!s) return nullptr;
  return {{"count", s->count}, {"min", s->min}, {"p25", s->p25}, {"median", s->median},
          {"mean", s->mean},   {"p75", s->p75}, {"p90", s->p90}, {"p95", s->p95},
          {"p99", s->p99},     {"max", s->max}, {"jitter", opt(s->jitter)}};
}

std::optional<SeriesStats> stats_from(const JsonReader& in, const std::string& key) {
  if (!in.has(key)) return std::nullopt;
  const auto r = in.object(key);
  SeriesStats s;
  s.count = r.count("count");
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

json probe_to_json(const ProbeRecord& p) {
  return {{"seq", p.seq},
          {"sent_us", p.sent_us},
          {"received_us", opt(p.received_us)},
          {"server_recv_us", opt(p.server_recv_us)},
          {"server_echo_us", opt(p.server_echo_us)}};
}

ProbeRecord probe_from(const JsonReader& in) {
  ProbeRecord rec;
  rec.seq = in.uint32("seq");
  rec.sent_us = in.time_us("sent_us");
  rec.received_us = in.optional_time_us("received_us");
  rec.server_recv_us = in.optional_time_us("server_recv_us");
  if (in.has("server_echo_us")) rec.server_echo_us = in.integer_in("server_echo_us", 0, kMaxTestUs);
  if (rec.received_us && *rec.received_us < rec.sent_us) in.fail("received_us", "earlier than sent_us");
  return rec;
}

json interval_to_json(const ThroughputInterval& t) {
  return {{"direction", to_string(t.direction)},
          {"stream", t.stream},
          {"start_us", t.start_us},
          {"duration_us", t.duration_us},
          {"bytes", t.bytes}};
}

ThroughputInterval interval_from(const JsonReader& in) {
  ThroughputInterval iv;
  if (!direction_from_string(in.string("direction"), iv.direction)) in.fail("direction", "expected download or upload");
  iv.stream = static_cast<int>(in.integer_in("stream", 0, kMaxStreamIds));
  iv.start_us = in.time_us("start_us");
  iv.duration_us = in.integer_in("duration_us", 0, kMaxTestUs);
  iv.bytes = static_cast<std::uint64_t>(in.non_negative("bytes"));
  return iv;
}

}  // namespace bloatmeter::detail
