#include "bloatmeter/rrul_plan.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bloatmeter/udp_probe_wire.hpp"
#include "json_keys.hpp"
#include "json_reader.hpp"
#include "rrul_plan_json.hpp"

namespace bloatmeter {

using nlohmann::json;
using detail::JsonFieldError;
using detail::JsonReader;
using detail::only_keys;
using detail::rrul_plan_from;

namespace {

constexpr Micros kSecond = 1'000'000;
constexpr std::int64_t kMaxObjectBytes = 64LL << 20;

double number_in(const JsonReader& in, const std::string& key, double lo, double hi) {
  const double v = in.number(key);
  if (v < lo || v > hi) in.fail(key, "must be " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

Direction direction_field(const JsonReader& in, const std::string& key) {
  Direction d = Direction::Download;
  if (!direction_from_string(in.string(key), d)) in.fail(key, "expected \"download\" or \"upload\"");
  return d;
}

DscpClass class_from(const JsonReader& in, const std::string& key) {
  const auto c = dscp_class_from_string(in.string(key));
  if (!c) in.fail(key, "expected one of BE, CS1, CS5, EF");
  return *c;
}

// A list of 1 to 8 distinct classes.
std::vector<DscpClass> classes_from(const JsonReader& in, const std::string& key) {
  std::vector<DscpClass> out;
  in.each(key, [&](const JsonReader& item) {
    if (!item.node().is_string()) throw JsonFieldError(item.path() + ": expected a class name");
    const auto c = dscp_class_from_string(item.node().get<std::string>());
    if (!c) throw JsonFieldError(item.path() + ": expected one of BE, CS1, CS5, EF");
    if (std::find(out.begin(), out.end(), *c) != out.end()) throw JsonFieldError(item.path() + ": listed twice");
    out.push_back(*c);
  }, 8);
  if (out.empty()) in.fail(key, "needs at least one class");
  return out;
}

RrulPageModel page_from(const JsonReader& in) {
  only_keys(in, {"comment", "document_bytes", "object_bytes", "connections", "interval_us"});
  RrulPageModel page;
  page.document_bytes = in.integer_in("document_bytes", 1, kMaxObjectBytes);
  in.each("object_bytes", [&](const JsonReader& item) {
    if (!item.node().is_number_integer()) throw JsonFieldError(item.path() + ": expected a whole number of bytes");
    const auto bytes = item.node().get<std::int64_t>();
    if (bytes < 1 || bytes > kMaxObjectBytes) throw JsonFieldError(item.path() + ": must be 1 to 64 MiB");
    page.object_bytes.push_back(bytes);
  }, 500);
  page.connections = static_cast<int>(in.integer_in("connections", 1, 6));  // RRUL2013: up to 6 per host
  page.interval_us = in.integer_in("interval_us", kSecond / 10, 60 * kSecond);
  return page;
}

PhasePlan phases_from(const JsonReader& in, const std::string& name) {
  PhasePlan p;
  p.name = name;
  const Micros before = in.integer_in("idle_before_us", 0, 600 * kSecond);
  const Micros load = in.integer_in("load_us", kSecond, 3600 * kSecond);
  const Micros skip = in.integer_in("powerboost_skip_us", 0, load - kSecond);
  const Micros after = in.integer_in("idle_after_us", 0, 600 * kSecond);
  p.throughput_interval_us = in.integer_in("throughput_interval_us", 10'000, 10 * kSecond);
  p.phases = {{kRrulIdleBefore, "Idle before", before, PhaseLoad::None, true, false, 0},
              {kRrulLoad, "Load", load, PhaseLoad::Both, true, false, skip},
              {kRrulIdleAfter, "Idle after", after, PhaseLoad::None, false, false, 0}};
  return p;
}

std::vector<RrulPlan> rrul_plans_from(const json& doc) {
  const JsonReader root(doc, "");
  only_keys(root, {"format", "version", "comment", "parameters", "plans"});
  if (root.string("format") != kRrulPlansFormat)
    root.fail("format", std::string("expected \"") + kRrulPlansFormat + "\"");
  if (root.integer("version") != kRrulPlansVersion)
    root.fail("version", "unsupported (this build reads version " + std::to_string(kRrulPlansVersion) + ")");
  const json& parameters = root.object("parameters").node();
  std::vector<RrulPlan> plans;
  root.each("plans", [&](const JsonReader& item) {
    if (!item.node().is_object()) throw JsonFieldError(item.path() + ": expected an object");
    // A plan takes every parameter it does not give itself (a whole
    // object at a time: a plan's "page" replaces the parameters' "page").
    json merged = parameters;
    for (const auto& [key, value] : item.node().items()) merged[key] = value;
    try {
      plans.push_back(rrul_plan_from(JsonReader(merged, item.path())));
    } catch (const JsonFieldError& e) {
      // Name where the field sits: in the plan, or in the parameters it took.
      const std::string what = e.what(), prefix = item.path() + ".";
      if (what.rfind(prefix, 0) == 0) {
        const std::string rest = what.substr(prefix.size());
        const std::string key = rest.substr(0, rest.find_first_of(".[:"));
        if (!item.node().contains(key) && parameters.contains(key)) throw JsonFieldError("parameters." + rest);
      }
      throw;
    }
    for (std::size_t j = 0; j + 1 < plans.size(); ++j)
      if (plans[j].name == plans.back().name) item.fail("name", "'" + plans.back().name + "' is used twice");
  }, 16);
  for (const char* required : {"quick", "standard"})
    if (std::none_of(plans.begin(), plans.end(), [&](const RrulPlan& p) { return p.name == required; }))
      root.fail("plans", std::string("no plan named '") + required + "' (the client offers it)");
  return plans;
}

}  // namespace

namespace detail {

RrulPlan rrul_plan_from(const JsonReader& in) {
  only_keys(in, {"comment", "name", "idle_before_us", "load_us", "powerboost_skip_us", "idle_after_us",
                 "throughput_interval_us", "slew_us", "flows", "rr_interval_us", "rr_classes", "voip_interval_us",
                 "voip_bytes", "voip_late_us", "voip_classes", "page", "cpu", "score", "penalties", "ideal", "wire"});
  RrulPlan plan;
  plan.name = in.string("name");
  if (plan.name.empty() || plan.name.size() > 40) in.fail("name", "must be 1 to 40 characters");
  plan.phases = phases_from(in, plan.name);
  plan.slew_us = in.integer_in("slew_us", 0, 10 * kSecond);
  in.each("flows", [&](const JsonReader& f) {
    only_keys(f, {"direction", "class"});
    plan.flows.push_back({direction_field(f, "direction"), class_from(f, "class")});
  }, 64);
  for (Direction d : {Direction::Download, Direction::Upload})
    if (std::none_of(plan.flows.begin(), plan.flows.end(), [&](const RrulFlowSpec& f) { return f.direction == d; }))
      in.fail("flows", std::string("needs at least one ") + (d == Direction::Download ? "download" : "upload") + " flow");
  plan.rr_interval_us = in.integer_in("rr_interval_us", 10'000, 10 * kSecond);
  plan.rr_classes = classes_from(in, "rr_classes");
  plan.voip_interval_us = in.integer_in("voip_interval_us", 1'000, kSecond);
  plan.voip_bytes = static_cast<int>(
      in.integer_in("voip_bytes", udp_probe_wire::kMinDatagramBytes, udp_probe_wire::kMaxDatagramBytes));
  plan.voip_late_us = in.integer_in("voip_late_us", 1'000, 10 * kSecond);
  plan.voip_classes = classes_from(in, "voip_classes");
  plan.page = page_from(in.object("page"));

  const auto cpu = in.object("cpu");
  only_keys(cpu, {"comment", "busy_limit", "starved_fraction", "wait_limit"});
  plan.cpu.busy_limit = number_in(cpu, "busy_limit", 0.01, 1.0);
  plan.cpu.starved_fraction = number_in(cpu, "starved_fraction", 0.0, 1.0);
  // Absent from results written before the thread's wait was judged.
  if (cpu.has("wait_limit")) plan.cpu.wait_limit = number_in(cpu, "wait_limit", 0.01, 1.0);

  const auto score = in.object("score");
  only_keys(score, {"comment", "floor_ms", "loss_limit"});
  plan.score.floor_ms = number_in(score, "floor_ms", 0.0, 1000.0);
  plan.score.loss_limit = number_in(score, "loss_limit", 0.0001, 1.0);

  const auto pen = in.object("penalties");
  only_keys(pen, {"comment", "syn_slew_ms", "ef_dominates", "cs1_as_be", "unequal_ratio", "huge_delay_ms"});
  plan.penalties.syn_slew_ms = number_in(pen, "syn_slew_ms", 1.0, 60'000.0);
  plan.penalties.ef_dominates = number_in(pen, "ef_dominates", 0.01, 1.0);
  plan.penalties.cs1_as_be = number_in(pen, "cs1_as_be", 0.01, 100.0);
  plan.penalties.unequal_ratio = number_in(pen, "unequal_ratio", 1.0, 1000.0);
  plan.penalties.huge_delay_ms = number_in(pen, "huge_delay_ms", 1.0, 60'000.0);

  const auto ideal = in.object("ideal");
  only_keys(ideal, {"comment", "cs1_min", "cs1_max", "ef_max"});
  plan.ideal.cs1_min = number_in(ideal, "cs1_min", 0.0, 1.0);
  plan.ideal.cs1_max = number_in(ideal, "cs1_max", plan.ideal.cs1_min, 1.0);
  plan.ideal.ef_max = number_in(ideal, "ef_max", 0.01, 1.0);

  const auto wire = in.object("wire");
  only_keys(wire, {"comment", "mss_v4", "mss_v6", "tcp_header_v4", "tcp_header_v6", "udp_header_v4", "udp_header_v6",
                   "encapsulation_bytes", "segments_per_ack"});
  plan.wire.mss_v4 = number_in(wire, "mss_v4", 500, 9000);
  plan.wire.mss_v6 = number_in(wire, "mss_v6", 500, 9000);
  plan.wire.tcp_header_v4 = number_in(wire, "tcp_header_v4", 20, 200);
  plan.wire.tcp_header_v6 = number_in(wire, "tcp_header_v6", 40, 200);
  plan.wire.udp_header_v4 = number_in(wire, "udp_header_v4", 28, 200);
  plan.wire.udp_header_v6 = number_in(wire, "udp_header_v6", 48, 200);
  plan.wire.encapsulation_bytes = number_in(wire, "encapsulation_bytes", 0, 200);
  plan.wire.segments_per_ack = number_in(wire, "segments_per_ack", 1, 64);
  return plan;
}


json rrul_plan_to_json(const RrulPlan& p) {
  const auto phase_us = [&](const char* name) {
    const auto* spec = p.phases.find(name);
    return spec ? spec->duration_us : Micros{0};
  };
  const auto classes = [](const std::vector<DscpClass>& list) {
    json out = json::array();
    for (auto c : list) out.push_back(to_string(c));
    return out;
  };
  json flows = json::array();
  for (const auto& f : p.flows) flows.push_back({{"direction", to_string(f.direction)}, {"class", to_string(f.cls)}});
  return {{"name", p.name},
          {"idle_before_us", phase_us(kRrulIdleBefore)},
          {"load_us", phase_us(kRrulLoad)},
          {"powerboost_skip_us", p.powerboost_skip_us()},
          {"idle_after_us", phase_us(kRrulIdleAfter)},
          {"throughput_interval_us", p.phases.throughput_interval_us},
          {"slew_us", p.slew_us},
          {"flows", flows},
          {"rr_interval_us", p.rr_interval_us},
          {"rr_classes", classes(p.rr_classes)},
          {"voip_interval_us", p.voip_interval_us},
          {"voip_bytes", p.voip_bytes},
          {"voip_late_us", p.voip_late_us},
          {"voip_classes", classes(p.voip_classes)},
          {"page",
           {{"document_bytes", p.page.document_bytes},
            {"object_bytes", p.page.object_bytes},
            {"connections", p.page.connections},
            {"interval_us", p.page.interval_us}}},
          {"cpu",
           {{"busy_limit", p.cpu.busy_limit},
            {"starved_fraction", p.cpu.starved_fraction},
            {"wait_limit", p.cpu.wait_limit}}},
          {"score", {{"floor_ms", p.score.floor_ms}, {"loss_limit", p.score.loss_limit}}},
          {"penalties",
           {{"syn_slew_ms", p.penalties.syn_slew_ms},
            {"ef_dominates", p.penalties.ef_dominates},
            {"cs1_as_be", p.penalties.cs1_as_be},
            {"unequal_ratio", p.penalties.unequal_ratio},
            {"huge_delay_ms", p.penalties.huge_delay_ms}}},
          {"ideal", {{"cs1_min", p.ideal.cs1_min}, {"cs1_max", p.ideal.cs1_max}, {"ef_max", p.ideal.ef_max}}},
          {"wire",
           {{"mss_v4", p.wire.mss_v4},
            {"mss_v6", p.wire.mss_v6},
            {"tcp_header_v4", p.wire.tcp_header_v4},
            {"tcp_header_v6", p.wire.tcp_header_v6},
            {"udp_header_v4", p.wire.udp_header_v4},
            {"udp_header_v6", p.wire.udp_header_v6},
            {"encapsulation_bytes", p.wire.encapsulation_bytes},
            {"segments_per_ack", p.wire.segments_per_ack}}}};
}

}  // namespace detail

std::int64_t RrulPageModel::total_bytes() const {
  std::int64_t sum = document_bytes;
  for (auto b : object_bytes) sum += b;
  return sum;
}

Micros RrulPlan::powerboost_skip_us() const {
  const auto* load = phases.find(kRrulLoad);
  return load ? load->grade_skip_us : 0;
}

Outcome<std::vector<RrulPlan>> parse_rrul_plans(std::string_view text) {
  try {
    return Outcome<std::vector<RrulPlan>>::success(rrul_plans_from(json::parse(text.begin(), text.end())));
  } catch (const json::parse_error& e) {
    return Outcome<std::vector<RrulPlan>>::failure(std::string("not valid JSON: ") + e.what());
  } catch (const JsonFieldError& e) {
    return Outcome<std::vector<RrulPlan>>::failure(e.what());
  }
}

const std::vector<RrulPlan>& builtin_rrul_plans() {
  static const std::vector<RrulPlan> plans = [] {
    auto parsed = parse_rrul_plans(builtin_rrul_plans_text());
    if (!parsed) throw std::logic_error("shared/data/rrul.json: " + parsed.error());
    return std::move(parsed).value();
  }();
  return plans;
}

const RrulPlan* find_rrul_plan(std::string_view name) {
  for (const auto& p : builtin_rrul_plans())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace bloatmeter
