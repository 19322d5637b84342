#include "bloatmeter/result_json.hpp"

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "household_json.hpp"
#include "json_reader.hpp"
#include "json_values.hpp"
#include "rrul_json.hpp"
#include "rrul_plan_json.hpp"
#include "udp_json.hpp"

namespace bloatmeter {

using nlohmann::json;
using detail::JsonFieldError;
using detail::JsonReader;
using detail::grade_from;
using detail::grade_or_null;
using detail::opt;

namespace {

json plan_to_json(const PhasePlan& p) {
  json phases = json::array();
  for (const auto& ph : p.phases)
    phases.push_back({{"name", ph.name},
                      {"label", ph.label},
                      {"duration_us", ph.duration_us},
                      {"load", to_string(ph.load)},
                      {"graded", ph.graded},
                      {"warmup", ph.warmup},
                      {"grade_skip_us", ph.grade_skip_us}});
  return {{"name", p.name},
          {"phases", phases},
          {"probe_interval_us", p.probe_interval_us},
          {"late_after_us", p.late_after_us},
          {"throughput_interval_us", p.throughput_interval_us},
          {"initial_streams", p.initial_streams},
          {"max_streams", p.max_streams},
          {"stream_growth_threshold", p.stream_growth_threshold},
          {"stream_add_interval_us", p.stream_add_interval_us},
          {"min_answered_ratio", p.min_answered_ratio},
          {"client_lag_p95_limit_ms", p.client_lag_p95_limit_ms},
          {"server_echo_p99_limit_ms", p.server_echo_p99_limit_ms},
          {"own_delay_limit_ms", p.own_delay_limit_ms},
          {"udp_interval_us", p.udp_interval_us},
          {"udp_datagram_bytes", p.udp_datagram_bytes},
          {"udp_late_after_us", p.udp_late_after_us}};
}

json raw_to_json(const RawData& r) {
  json probes = json::array();
  for (const auto& p : r.probes) probes.push_back(detail::probe_to_json(p));
  json tput = json::array();
  for (const auto& t : r.throughput) tput.push_back(detail::interval_to_json(t));
  json phases = json::array();
  for (const auto& p : r.phases) phases.push_back({{"name", p.name}, {"start_us", p.start_us}, {"end_us", p.end_us}});
  json lag = json::array();
  for (const auto& l : r.client_lag) lag.push_back({{"at_us", l.at_us}, {"lag_ms", l.lag_ms}});
  json out = {{"probes", probes},
              {"throughput", tput},
              {"phases", phases},
              {"client_lag", lag},
              {"streams", {{"download", r.streams.download}, {"upload", r.streams.upload}}},
              {"aborted", r.aborted},
              {"abort_reason", r.abort_reason},
              {"server_shed_load", r.server_shed_load},
              {"probe_transport", r.probe_transport}};
  // Household mode only: a single-user document stays exactly as it was.
  if (r.household) out["household"] = detail::household_raw_to_json(*r.household);
  // Native clients only: a browser's document has no UDP series.
  if (r.udp) out["udp"] = detail::udp_raw_to_json(*r.udp);
  // RRUL mode only.
  if (r.rrul) out["rrul"] = detail::rrul_raw_to_json(*r.rrul);
  return out;
}

PhasePlan plan_from(const JsonReader& in) {
  PhasePlan p;
  p.name = in.string("name");
  Micros total_us = 0;
  in.each("phases", [&](const JsonReader& ph) {
    PhaseSpec s;
    s.name = ph.string("name");
    s.label = ph.string_or("label", s.name);
    s.duration_us = ph.integer_in("duration_us", 0, kMaxTestUs);
    if (!phase_load_from_string(ph.string("load"), s.load)) ph.fail("load", "expected none, download, upload or both");
    s.graded = ph.boolean("graded");
    s.warmup = ph.boolean_or("warmup", false);
    s.grade_skip_us = ph.has("grade_skip_us") ? ph.integer_in("grade_skip_us", 0, s.duration_us) : 0;
    total_us += s.duration_us;
    if (total_us > kMaxTestUs) ph.fail("duration_us", "the plan's phases add up to more than an hour");
    p.phases.push_back(std::move(s));
  }, kMaxPhases);
  if (p.phases.empty()) in.fail("phases", "a plan needs at least one phase");
  p.probe_interval_us = in.integer_in("probe_interval_us", kMinProbeIntervalUs, kMaxProbeIntervalUs);
  p.late_after_us = in.integer_in("late_after_us", kMinProbeIntervalUs, kMaxLateAfterUs);
  p.throughput_interval_us = in.integer_in("throughput_interval_us", kMinThroughputIntervalUs, kMaxThroughputIntervalUs);
  p.initial_streams = static_cast<int>(in.integer_in("initial_streams", 1, kMaxStreams));
  p.max_streams = static_cast<int>(in.integer_in("max_streams", p.initial_streams, kMaxStreams));
  p.stream_growth_threshold = in.number("stream_growth_threshold");
  p.stream_add_interval_us = in.integer_in("stream_add_interval_us", kMinStreamAddIntervalUs, kMaxStreamAddIntervalUs);
  p.min_answered_ratio = in.number("min_answered_ratio");
  p.client_lag_p95_limit_ms = in.number("client_lag_p95_limit_ms");
  p.server_echo_p99_limit_ms = in.number("server_echo_p99_limit_ms");
  // Absent from files written before the client's own delay was judged.
  if (in.has("own_delay_limit_ms")) p.own_delay_limit_ms = in.number("own_delay_limit_ms");
  // Absent from files written before the UDP series: the defaults.
  if (in.has("udp_interval_us"))
    p.udp_interval_us = in.integer_in("udp_interval_us", kMinProbeIntervalUs, kMaxProbeIntervalUs);
  if (in.has("udp_datagram_bytes"))
    p.udp_datagram_bytes = static_cast<int>(in.integer_in("udp_datagram_bytes", udp_probe_wire::kMinDatagramBytes,
                                                          udp_probe_wire::kMaxDatagramBytes));
  if (in.has("udp_late_after_us"))
    p.udp_late_after_us = in.integer_in("udp_late_after_us", kMinProbeIntervalUs, kMaxLateAfterUs);
  return p;
}

RawData raw_from(const JsonReader& in) {
  RawData r;
  in.each("probes", [&](const JsonReader& p) { r.probes.push_back(detail::probe_from(p)); });
  in.each("throughput", [&](const JsonReader& t) { r.throughput.push_back(detail::interval_from(t)); });
  in.each("phases", [&](const JsonReader& p) {
    PhaseRecord rec{p.string("name"), p.time_us("start_us"), p.time_us("end_us")};
    if (rec.end_us < rec.start_us) p.fail("end_us", "earlier than start_us");
    if (rec.end_us - rec.start_us > kMaxTestUs) p.fail("end_us", "a phase longer than an hour");
    r.phases.push_back(std::move(rec));
  }, 64);
  if (in.has("client_lag"))
    in.each("client_lag", [&](const JsonReader& l) { r.client_lag.push_back({l.time_us("at_us"), l.number("lag_ms")}); });
  if (in.has("streams")) {
    const auto s = in.object("streams");
    r.streams.download = static_cast<int>(s.integer_in("download", 0, kMaxStreams));
    r.streams.upload = static_cast<int>(s.integer_in("upload", 0, kMaxStreams));
  }
  r.aborted = in.boolean("aborted");
  r.abort_reason = in.string_or("abort_reason", "");
  r.server_shed_load = in.boolean_or("server_shed_load", false);
  if (in.has("household")) r.household = detail::household_raw_from(in.object("household"));
  if (in.string_or("probe_transport", "websocket") != "websocket")
    in.fail("probe_transport", "expected \"websocket\" (the probe lane that grades)");
  if (in.has("udp")) r.udp = detail::udp_raw_from(in.object("udp"));
  if (in.has("rrul")) r.rrul = detail::rrul_raw_from(in.object("rrul"));
  return r;
}

Summary summary_from(const JsonReader& in) {
  Summary s;
  s.baseline_ms = in.optional_number("baseline_ms");
  s.clock_offset_ms = in.optional_number("clock_offset_ms");
  in.each("phases", [&](const JsonReader& p) {
    PhaseSummary ps;
    ps.name = p.string("name");
    ps.graded = p.boolean("graded");
    ps.probes_sent = p.count("probes_sent");
    ps.probes_answered = p.count("probes_answered");
    ps.probes_late = p.count("probes_late");
    // Absent from files written before it was counted: the summary is
    // recomputed from the raw samples anyway.
    if (p.has("probes_held")) ps.probes_held = p.count("probes_held");
    ps.rtt_ms = detail::stats_from(p, "rtt_ms");
    ps.upload_delay_median_ms = p.optional_number("upload_delay_median_ms");
    ps.download_delay_median_ms = p.optional_number("download_delay_median_ms");
    ps.increase_ms = p.optional_number("increase_ms");
    ps.increase_p95_ms = p.optional_number("increase_p95_ms");
    ps.grade = grade_from(p, "grade");
    ps.own_delay_ms = p.optional_number("own_delay_ms");
    ps.grade_without_own_delay = grade_from(p, "grade_without_own_delay");
    ps.download_mbps = p.optional_number("download_mbps");
    ps.upload_mbps = p.optional_number("upload_mbps");
    ps.valid = p.boolean("valid");
    s.phases.push_back(std::move(ps));
  }, 64);
  s.overall = grade_from(in, "overall");
  s.rpm = in.optional_number("rpm");
  s.download_mbps = in.optional_number("download_mbps");
  s.upload_mbps = in.optional_number("upload_mbps");
  in.each("flags", [&](const JsonReader& f) {
    if (!f.node().is_string()) throw JsonFieldError(f.path() + ": expected a flag name");
    auto flag = flag_from_string(f.node().get<std::string>());
    if (!flag) throw JsonFieldError(f.path() + ": unknown flag '" + f.node().get<std::string>() + "'");
    s.flags.push_back(*flag);
  }, 16);
  const auto st = in.object("streams");
  s.streams.download = static_cast<int>(st.non_negative("download"));
  s.streams.upload = static_cast<int>(st.non_negative("upload"));
  if (in.has("household")) s.household = detail::household_summary_from(in.object("household"));
  if (in.has("udp")) s.udp = detail::udp_summary_from(in.object("udp"));
  // summary.rrul is not read: every reader recomputes it (rrul_json.hpp).
  return s;
}

// A household result carries the profiles it ran with and its users'
// samples, and every user's samples belong to one of those profiles.
void check_household(const JsonReader& root, const Result& r) {
  if (!r.profiles) root.fail("profiles", "missing (a household result carries the profiles it ran with)");
  if (!r.raw.household) root.object("raw").fail("household", "missing (a household result carries its users' samples)");
  const auto& users = r.raw.household->users;
  for (std::size_t i = 0; i < users.size(); ++i)
    if (!r.profiles->find(users[i].user))
      throw JsonFieldError("raw.household.users[" + std::to_string(i) + "].user: '" + users[i].user +
                           "' is not one of the profiles");
}

// An RRUL result carries the RRUL plan it ran and its flows' samples; its
// phases are the plan's.
void check_rrul(const JsonReader& root, const Result& r) {
  if (!r.rrul_plan) root.fail("rrul_plan", "missing (an RRUL result carries the plan it ran)");
  if (!r.raw.rrul) root.object("raw").fail("rrul", "missing (an RRUL result carries its flows' samples)");
  for (const auto& phase : r.rrul_plan->phases.phases)
    if (!r.plan.find(phase.name))
      root.object("plan").fail("phases", "has no '" + phase.name + "' phase (an RRUL plan's phases)");
}

}  // namespace

json to_json(const Summary& s) {
  json phases = json::array();
  for (const auto& p : s.phases)
    phases.push_back({{"name", p.name},
                      {"graded", p.graded},
                      {"probes_sent", p.probes_sent},
                      {"probes_answered", p.probes_answered},
                      {"probes_late", p.probes_late},
                      {"probes_held", p.probes_held},
                      {"rtt_ms", detail::stats_or_null(p.rtt_ms)},
                      {"upload_delay_median_ms", opt(p.upload_delay_median_ms)},
                      {"download_delay_median_ms", opt(p.download_delay_median_ms)},
                      {"increase_ms", opt(p.increase_ms)},
                      {"increase_p95_ms", opt(p.increase_p95_ms)},
                      {"grade", grade_or_null(p.grade)},
                      {"own_delay_ms", opt(p.own_delay_ms)},
                      {"grade_without_own_delay", grade_or_null(p.grade_without_own_delay)},
                      {"download_mbps", opt(p.download_mbps)},
                      {"upload_mbps", opt(p.upload_mbps)},
                      {"valid", p.valid}});
  json flags = json::array();
  for (auto f : s.flags) flags.push_back(to_string(f));
  json out = {{"baseline_ms", opt(s.baseline_ms)},
              {"clock_offset_ms", opt(s.clock_offset_ms)},
              {"phases", phases},
              {"overall", grade_or_null(s.overall)},
              {"low_confidence", s.low_confidence()},
              {"rpm", opt(s.rpm)},
              {"download_mbps", opt(s.download_mbps)},
              {"upload_mbps", opt(s.upload_mbps)},
              {"flags", flags},
              {"streams", {{"download", s.streams.download}, {"upload", s.streams.upload}}}};
  if (s.household) out["household"] = detail::household_summary_to_json(*s.household);
  if (s.udp) out["udp"] = detail::udp_summary_to_json(*s.udp);
  if (s.rrul) out["rrul"] = detail::rrul_summary_to_json(*s.rrul);
  return out;
}

json to_json(const Result& r) {
  json out = {{"format", kResultFormat},
              {"version", kResultVersion},
              {"meta",
               {{"tool", r.meta.tool},
                {"tool_version", r.meta.tool_version},
                {"client", r.meta.client},
                {"started_at", r.meta.started_at},
                {"server", r.meta.server},
                {"user_agent", r.meta.user_agent},
                {"mode", r.meta.mode}}},
              {"plan", plan_to_json(r.plan)},
              {"raw", raw_to_json(r.raw)},
              {"summary", to_json(r.summary)}};
  if (r.profiles) out["profiles"] = detail::profiles_to_json(*r.profiles);
  if (r.rrul_plan) out["rrul_plan"] = detail::rrul_plan_to_json(*r.rrul_plan);
  // Only a fleet's results name the server: a single box's files stay as they were.
  if (!r.meta.server_name.empty()) out["meta"]["server_name"] = r.meta.server_name;
  return out;
}

std::string serialize_result(const Result& r, int indent) { return to_json(r).dump(indent); }

Outcome<Result> result_from_json(const json& doc) {
  try {
    if (!doc.is_object()) return Outcome<Result>::failure("not a bloatmeter result: the document is not a JSON object");
    if (!doc.contains("format") || !doc["format"].is_string() || doc["format"].get<std::string>() != kResultFormat)
      return Outcome<Result>::failure("not a bloatmeter result: \"format\" must be \"bloatmeter-result\"");
    if (!doc.contains("version") || !doc["version"].is_number_integer())
      return Outcome<Result>::failure("\"version\": missing or not an integer");
    const auto version = doc["version"].get<std::int64_t>();
    if (version != kResultVersion)
      return Outcome<Result>::failure("unsupported result version " + std::to_string(version) +
                                      " (this build reads version " + std::to_string(kResultVersion) + ")");
    const JsonReader root(doc, "");
    Result r;
    const auto meta = root.object("meta");
    r.meta.tool = meta.string_or("tool", "bloatmeter");
    r.meta.tool_version = meta.string_or("tool_version", "");
    r.meta.client = meta.string_or("client", "");
    r.meta.started_at = meta.string_or("started_at", "");
    r.meta.server = meta.string_or("server", "");
    r.meta.server_name = meta.string_or("server_name", "");
    r.meta.user_agent = meta.string_or("user_agent", "");
    r.meta.mode = meta.string_or("mode", "single");
    r.plan = plan_from(root.object("plan"));
    r.raw = raw_from(root.object("raw"));
    if (root.has("profiles")) r.profiles = detail::profiles_from(root.object("profiles"));
    if (r.meta.mode == kHouseholdMode) check_household(root, r);
    if (root.has("rrul_plan")) r.rrul_plan = detail::rrul_plan_from(root.object("rrul_plan"));
    if (r.meta.mode == kRrulMode) check_rrul(root, r);
    if (root.has("summary")) r.summary = summary_from(root.object("summary"));
    return Outcome<Result>::success(std::move(r));
  } catch (const JsonFieldError& e) {
    return Outcome<Result>::failure(e.what());
  } catch (const json::exception& e) {
    return Outcome<Result>::failure(std::string("invalid value: ") + e.what());
  }
}

Outcome<Result> parse_result(std::string_view text) {
  if (text.size() > kMaxResultBytes)
    return Outcome<Result>::failure("result file too large (" + std::to_string(text.size()) + " bytes; limit " +
                                    std::to_string(kMaxResultBytes) + ")");
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Outcome<Result>::failure("not valid JSON");
  return result_from_json(doc);
}

Outcome<Summary> summary_from_json(const json& doc) {
  try {
    return Outcome<Summary>::success(summary_from(JsonReader(doc, "summary")));
  } catch (const JsonFieldError& e) {
    return Outcome<Summary>::failure(e.what());
  } catch (const json::exception& e) {
    return Outcome<Summary>::failure(std::string("invalid value: ") + e.what());
  }
}

}  // namespace bloatmeter
