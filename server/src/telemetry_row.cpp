#include "telemetry_row.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

namespace bloatmeter::server {
namespace {

nlohmann::json number_or_null(std::optional<double> x) {
  if (!x || !std::isfinite(*x)) return nullptr;
  return std::round(*x * 1000.0) / 1000.0;
}

std::string grade_text(const std::optional<Grade>& g) { return g ? std::string(to_string(*g)) : std::string(); }

nlohmann::json grade_or_null(const std::optional<Grade>& g) {
  if (!g) return nullptr;
  return std::string(to_string(*g));
}

// The graded phase with the largest median increase: the one that set the
// overall grade (the overall grade is the worst phase's).
const PhaseSummary* deciding_phase(const Summary& s) {
  const PhaseSummary* worst = nullptr;
  for (const auto& p : s.phases)
    if (p.graded && p.valid && p.increase_ms && (!worst || *p.increase_ms > *worst->increase_ms)) worst = &p;
  return worst;
}

nlohmann::json details_of(const Summary& s) {
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& p : s.phases) {
    phases.push_back({{"name", p.name},
                      {"graded", p.graded},
                      {"valid", p.valid},
                      {"grade", grade_or_null(p.grade)},
                      {"rtt_median_ms", number_or_null(p.rtt_ms ? std::optional<double>(p.rtt_ms->median) : std::nullopt)},
                      {"increase_ms", number_or_null(p.increase_ms)},
                      {"increase_p95_ms", number_or_null(p.increase_p95_ms)},
                      {"download_mbps", number_or_null(p.download_mbps)},
                      {"upload_mbps", number_or_null(p.upload_mbps)}});
  }
  nlohmann::json flags = nlohmann::json::array();
  for (const auto f : s.flags) flags.push_back(std::string(to_string(f)));
  nlohmann::json out{{"phases", std::move(phases)}, {"flags", std::move(flags)}};
  if (s.household) {
    nlohmann::json users = nlohmann::json::array();
    for (const auto& u : s.household->users)
      users.push_back({{"id", u.id},
                       {"role", u.role},
                       {"grade", grade_or_null(u.grade)},
                       {"rtt_increase_ms", number_or_null(u.rtt_increase_ms)},
                       {"demand_ratio", number_or_null(u.demand_ratio)}});
    out["household"] = {{"grade", grade_or_null(s.household->grade)},
                        {"fairness", number_or_null(s.household->fairness)},
                        {"fairness_grade", grade_or_null(s.household->fairness_grade)},
                        {"users", std::move(users)}};
  }
  return out;
}

// Text a client chose (its version, its plan's name) could start a formula
// in a spreadsheet: such a cell gets a leading apostrophe (OWASP's advice
// on CSV injection).
std::string csv_field(std::string text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) text = "'" + text;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(std::optional<double> x) {
  if (!x || !std::isfinite(*x)) return {};
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", *x);
  return text;
}

}  // namespace

TelemetryRow telemetry_row(const Result& result, std::string result_id, std::string created_at,
                           std::int64_t created_unix, std::string client_ip) {
  const Summary& s = result.summary;
  TelemetryRow row;
  row.result_id = std::move(result_id);
  row.created_at = std::move(created_at);
  row.created_unix = created_unix;
  row.client_kind = result.meta.client;
  row.client_version = result.meta.tool_version;
  row.mode = result.meta.mode;
  row.plan = result.plan.name;
  row.client_ip = std::move(client_ip);
  row.aborted = result.raw.aborted;
  row.grade = grade_text(s.overall);
  row.baseline_ms = s.baseline_ms;
  if (const auto* p = deciding_phase(s)) {
    row.increase_ms = p->increase_ms;
    if (p->rtt_ms) row.loaded_ms = p->rtt_ms->median;
  }
  row.download_mbps = s.download_mbps;
  row.upload_mbps = s.upload_mbps;
  row.rpm = s.rpm;
  row.details = details_of(s);
  return row;
}

nlohmann::json to_json(const TelemetryRow& r) {
  return {{"seq", r.seq},
          {"result_id", r.result_id},
          {"created_at", r.created_at},
          {"client_kind", r.client_kind},
          {"client_version", r.client_version},
          {"mode", r.mode},
          {"plan", r.plan},
          {"client_ip", r.client_ip.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.client_ip)},
          {"aborted", r.aborted},
          {"grade", r.grade.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.grade)},
          {"baseline_ms", number_or_null(r.baseline_ms)},
          {"loaded_ms", number_or_null(r.loaded_ms)},
          {"increase_ms", number_or_null(r.increase_ms)},
          {"download_mbps", number_or_null(r.download_mbps)},
          {"upload_mbps", number_or_null(r.upload_mbps)},
          {"rpm", number_or_null(r.rpm)},
          {"details", r.details},
          {"server_id", r.server_id}};
}

std::string telemetry_csv_header() {
  return "seq,result_id,created_at,client_kind,client_version,mode,plan,client_ip,grade,aborted,baseline_ms,"
         "loaded_ms,increase_ms,download_mbps,upload_mbps,rpm,server_id\r\n";
}

std::string telemetry_csv_line(const TelemetryRow& r) {
  std::string line = std::to_string(r.seq);
  for (const std::string& field :
       {r.result_id, r.created_at, r.client_kind, r.client_version, r.mode, r.plan, r.client_ip, r.grade}) {
    line += ',';  // not `"," + field`: GCC 12 warns falsely on it (-Wstringop-overflow)
    line += csv_field(field);
  }
  line += r.aborted ? ",1" : ",0";
  for (const auto x : {r.baseline_ms, r.loaded_ms, r.increase_ms, r.download_mbps, r.upload_mbps, r.rpm}) {
    line += ',';
    line += csv_number(x);
  }
  line += ',';  // last, so spreadsheets made before it keep their columns
  line += csv_field(r.server_id);
  return line + "\r\n";
}

}  // namespace bloatmeter::server
