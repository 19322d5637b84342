#include "bloatmeter/flent_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "bloatmeter/rrul_plan.hpp"
#include "bloatmeter/rrul_series.hpp"
#include "bloatmeter/throughput_window.hpp"
#include "bloatmeter/udp_series.hpp"
#include "bloatmeter/version.hpp"

namespace bloatmeter {

using nlohmann::json;

namespace {

// Flent's names for the classes (its rrul test calls CS1 "BK").
std::string flent_class(DscpClass c) {
  switch (c) {
    case DscpClass::Be: return "BE";
    case DscpClass::Cs1: return "BK";
    case DscpClass::Cs5: return "CS5";
    case DscpClass::Ef: return "EF";
  }
  return "BE";
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

}  // namespace

std::optional<double> unix_seconds_of(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0, used = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &y, &mo, &d, &h, &mi, &s, &ms, &used) != 7 ||
      static_cast<std::size_t>(used) != iso.size())
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                             h * 3600 + mi * 60 + s) +
         ms / 1000.0;
}

std::optional<json> flent_document(const Result& r) {
  if (r.meta.mode != kRrulMode || !r.raw.rrul || !r.rrul_plan) return std::nullopt;
  const auto t0 = unix_seconds_of(r.meta.started_at);
  if (!t0) return std::nullopt;
  const auto& raw = *r.raw.rrul;
  const Micros step = r.rrul_plan->phases.throughput_interval_us;
  Micros end_us = 0;
  for (const auto& p : r.raw.phases) end_us = std::max(end_us, p.end_us);
  const std::size_t points = static_cast<std::size_t>(end_us / step) + 1;
  json x_values = json::array();
  for (std::size_t i = 0; i < points; ++i) x_values.push_back(static_cast<double>(i) * static_cast<double>(step) / 1e6);

  json results = json::object(), raw_values = json::object(), series_meta = json::object();
  const auto add_series = [&](const std::string& name, const std::vector<std::optional<double>>& values,
                              const char* units) {
    json list = json::array();
    std::vector<double> present;
    for (const auto& v : values) {
      list.push_back(v ? json(*v) : json(nullptr));
      if (v) present.push_back(*v);
    }
    results[name] = list;
    series_meta[name] = {{"UNITS", units}, {"MEAN_VALUE", present.empty() ? json(nullptr) : json(mean_of(present))}};
  };

  // TCP: each class's flows (both families) summed per interval, Mbit/s.
  for (Direction dir : {Direction::Upload, Direction::Download}) {
    const std::string prefix = dir == Direction::Upload ? "TCP upload " : "TCP download ";
    std::map<std::string, std::vector<std::optional<double>>> per_class;
    std::vector<std::optional<double>> sum(points);
    for (DscpClass cls : {DscpClass::Be, DscpClass::Cs1, DscpClass::Cs5, DscpClass::Ef}) {
      const bool ran = std::any_of(raw.tcp_flows.begin(), raw.tcp_flows.end(),
                                   [&](const RrulTcpFlowRecord& f) { return f.direction == dir && f.cls == cls; });
      if (!ran) continue;
      auto series = rrul_class_throughput(r, dir, cls, step, points);
      for (std::size_t i = 0; i < points; ++i)
        if (series[i]) sum[i] = sum[i].value_or(0) + *series[i];
      per_class[flent_class(cls)] = std::move(series);
    }
    // As Flent's own "average" runner: over the classes with a value there.
    std::vector<std::optional<double>> avg(points);
    for (std::size_t i = 0; i < points; ++i) {
      int n = 0;
      for (const auto& [cls, series] : per_class) n += series[i] ? 1 : 0;
      if (n > 0) avg[i] = *sum[i] / n;
    }
    for (const auto& [cls, series] : per_class) add_series(prefix + cls, series, "Mbits/s");
    add_series(prefix + "sum", sum, "Mbits/s");
    add_series(prefix + "avg", avg, "Mbits/s");
  }
  {
    std::vector<std::optional<double>> totals(points);
    for (const auto& name : {"TCP upload sum", "TCP download sum"})
      for (std::size_t i = 0; i < points; ++i)
        if (!results[name][i].is_null()) totals[i] = totals[i].value_or(0) + results[name][i].get<double>();
    add_series("TCP totals", totals, "Mbits/s");
  }

  // Pings: the UDP request/response flows of the first family, each round
  // trip on the grid point of its send time and in the raw values.
  const auto primary = rrul_primary_family(raw.families);
  std::vector<std::vector<std::optional<double>>> pings;
  for (const auto& flow : raw.udp_flows) {
    if (flow.kind != RrulUdpKind::RequestResponse || (primary && flow.family != *primary)) continue;
    const std::string name = "Ping (ms) UDP " + flent_class(flow.cls);
    std::vector<std::optional<double>> series(points);
    json samples = json::array();
    for (const auto& trip : udp_round_trips(flow.udp)) {
      const auto i = static_cast<std::size_t>(std::llround(static_cast<double>(trip.sent_us) / static_cast<double>(step)));
      if (i < points) series[i] = trip.rtt_ms;
      samples.push_back({{"t", *t0 + static_cast<double>(trip.sent_us) / 1e6}, {"val", trip.rtt_ms}, {"seq", trip.seq}});
    }
    raw_values[name] = samples;
    add_series(name, series, "ms");
    pings.push_back(series);
  }
  {
    std::vector<std::optional<double>> avg(points);
    for (std::size_t i = 0; i < points; ++i) {
      double sum = 0;
      int n = 0;
      for (const auto& p : pings)
        if (p[i]) sum += *p[i], ++n;
      if (n > 0) avg[i] = sum / n;
    }
    add_series("Ping (ms) avg", avg, "ms");
  }

  const auto* load = r.rrul_plan->phases.find(kRrulLoad);
  const double length_s = load ? static_cast<double>(load->duration_us) / 1e6 : 0;
  json meta = {{"NAME", "rrul"},
               {"TITLE", "bloatmeter rrul"},
               {"NOTE", "written by bloatmeter " + r.meta.tool_version + " from its own result"},
               {"HOST", r.meta.server},
               {"HOSTS", json::array({r.meta.server})},
               {"LOCAL_HOST", ""},
               {"TIME", r.meta.started_at},
               {"T0", r.meta.started_at},
               {"LENGTH", length_s},
               {"TOTAL_LENGTH", static_cast<double>(end_us) / 1e6},
               {"STEP_SIZE", static_cast<double>(step) / 1e6},
               {"IP_VERSION", primary == IpFamily::V6 ? 6 : 4},
               {"TEST_PARAMETERS", json::object()},
               {"SERIES_META", series_meta},
               {"BLOATMETER", {{"tool", kToolName}, {"version", r.meta.tool_version}, {"plan", r.rrul_plan->name}}}};
  if (r.summary.rrul) {
    meta["BLOATMETER"]["web_score"] = r.summary.rrul->score.web ? json(*r.summary.rrul->score.web) : json(nullptr);
    meta["BLOATMETER"]["composite_score"] =
        r.summary.rrul->score.composite ? json(*r.summary.rrul->score.composite) : json(nullptr);
  }
  return json{{"version", kFlentFileFormatVersion},
              {"metadata", meta},
              {"x_values", x_values},
              {"results", results},
              {"raw_values", raw_values}};
}

}  // namespace bloatmeter
