#include "operator_data.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bloatmeter/stats.hpp"

namespace bloatmeter::web {
namespace {

using nlohmann::json;

std::optional<double> number(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::int64_t integer(const json& j, const char* key) {
  const auto v = number(j, key);
  return v ? static_cast<std::int64_t>(std::llround(*v)) : 0;
}

std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

template <typename T>
Outcome<T> not_json(const char* what) {
  return Outcome<T>::failure(std::string("the server's answer about ") + what + " could not be read");
}

TelemetryRow row_from(const json& j) {
  TelemetryRow r;
  r.seq = integer(j, "seq");
  r.result_id = text(j, "result_id");
  r.created_at = text(j, "created_at");
  r.client_kind = text(j, "client_kind");
  r.client_version = text(j, "client_version");
  r.mode = text(j, "mode");
  r.plan = text(j, "plan");
  r.client_ip = text(j, "client_ip");
  r.aborted = flag(j, "aborted");
  r.grade = text(j, "grade");
  r.baseline_ms = number(j, "baseline_ms");
  r.loaded_ms = number(j, "loaded_ms");
  r.increase_ms = number(j, "increase_ms");
  r.download_mbps = number(j, "download_mbps");
  r.upload_mbps = number(j, "upload_mbps");
  r.rpm = number(j, "rpm");
  r.server_id = text(j, "server_id");
  return r;
}

// Days since 1970-01-01 of a civil date and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char out[16];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return out;
}

std::optional<std::int64_t> day_number(std::string_view day) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (day.size() != 10 || std::sscanf(std::string(day).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12 ||
      d < 1 || d > 31)
    return std::nullopt;
  return days_from_civil(y, m, d);
}

// 1, 2, 2.5 or 5 times a power of ten, at least `v`.
double round_step(double v) {
  if (!(v > 0)) return 1;
  const double mag = std::pow(10.0, std::floor(std::log10(v)));
  for (double step : {1.0, 2.0, 2.5, 5.0})
    if (v <= step * mag * (1 + 1e-9)) return step * mag;
  return 10 * mag;
}

std::string fmt(const char* f, double v) {
  char out[64];
  std::snprintf(out, sizeof out, f, v);
  return out;
}

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// What a row is sorted by: a figure, or (client, address) a label.
std::optional<double> sort_figure(const TelemetryRow& r, SortColumn column) {
  switch (column) {
    case SortColumn::Time: return static_cast<double>(r.seq);
    case SortColumn::Grade:
      if (r.grade.empty()) return std::nullopt;
      return static_cast<double>(grade_index(r.grade));
    case SortColumn::Increase: return r.increase_ms;
    case SortColumn::Download: return r.download_mbps;
    case SortColumn::Upload: return r.upload_mbps;
    case SortColumn::Client:
    case SortColumn::Address: break;
  }
  return std::nullopt;
}

std::string sort_label(const TelemetryRow& r, SortColumn column) {
  return column == SortColumn::Client ? r.client_kind + " " + r.mode : r.client_ip;
}

}  // namespace

std::size_t grade_index(std::string_view grade) {
  for (std::size_t i = 0; i + 1 < kGradeNames.size(); ++i)
    if (kGradeNames[i] == grade) return i;
  return kGradeNames.size() - 1;
}

Outcome<RowsPage> parse_rows_page(std::string_view body) {
  const auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("rows") || !doc["rows"].is_array()) return not_json<RowsPage>("tests");
  RowsPage page;
  for (const auto& row : doc["rows"])
    if (row.is_object()) page.rows.push_back(row_from(row));
  page.more = doc.contains("next_cursor") && doc["next_cursor"].is_number();
  page.note = text(doc, "note");
  return Outcome<RowsPage>::success(std::move(page));
}

Outcome<std::vector<DayStats>> parse_day_stats(std::string_view body) {
  const auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("periods") || !doc["periods"].is_array())
    return not_json<std::vector<DayStats>>("tests per day");
  std::vector<DayStats> out;
  for (const auto& p : doc["periods"]) {
    if (!p.is_object() || !p.contains("by_client_kind") || !p["by_client_kind"].is_object()) continue;
    const auto& kinds = p["by_client_kind"];
    if (!kinds.contains("all") || !kinds["all"].is_object()) continue;
    const auto& all = kinds["all"];
    DayStats day;
    day.day = text(p, "period");
    day.count = integer(all, "count");
    day.aborted = integer(all, "aborted");
    if (all.contains("grades") && all["grades"].is_object())
      for (std::size_t i = 0; i < kGradeNames.size(); ++i)
        day.grades[i] = integer(all["grades"], std::string(kGradeNames[i]).c_str());
    out.push_back(std::move(day));
  }
  return Outcome<std::vector<DayStats>>::success(std::move(out));
}

Outcome<WebhookHealth> parse_webhook_health(std::string_view body) {
  const auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("queue_depth")) return not_json<WebhookHealth>("webhooks");
  WebhookHealth h;
  h.configured = flag(doc, "configured");
  h.queue_depth = integer(doc, "queue_depth");
  h.delivered = integer(doc, "delivered");
  h.failed_permanently = integer(doc, "failed_permanently");
  h.dropped = integer(doc, "dropped");
  h.oldest_attempts = integer(doc, "oldest_attempts");
  h.oldest_waiting_age_s = number(doc, "oldest_waiting_age_s");
  h.next_attempt_in_s = number(doc, "next_attempt_in_s");
  h.oldest_last_error = text(doc, "oldest_last_error");
  h.last_success = text(doc, "last_success");
  h.last_failure = text(doc, "last_failure");
  h.last_failure_reason = text(doc, "last_failure_reason");
  return Outcome<WebhookHealth>::success(std::move(h));
}

std::string api_error_text(int status, std::string_view body) {
  const auto doc = json::parse(body, nullptr, false);
  if (doc.is_object()) {
    const auto why = text(doc, "error");
    if (!why.empty()) return why;
  }
  return status == 0 ? "the server could not be reached" : "HTTP " + std::to_string(status);
}

std::string filter_query(const OperatorFilter& f, std::int64_t now_unix) {
  std::vector<std::string> parts;
  constexpr std::int64_t kDay = 86400;
  switch (f.period) {
    case PeriodFilter::All: break;
    case PeriodFilter::Day: parts.push_back("since=" + std::to_string(now_unix - kDay)); break;
    case PeriodFilter::Week: parts.push_back("since=" + std::to_string(now_unix - 7 * kDay)); break;
    case PeriodFilter::Month: parts.push_back("since=" + std::to_string(now_unix - 30 * kDay)); break;
    case PeriodFilter::OneDay:
      if (const auto d = day_number(f.day)) {
        parts.push_back("since=" + std::to_string(*d * kDay));
        parts.push_back("until=" + std::to_string((*d + 1) * kDay));
      }
      break;
  }
  if (!f.grade.empty()) parts.push_back("grade=" + percent_encode(f.grade));
  if (!f.client_kind.empty()) parts.push_back("client_kind=" + percent_encode(f.client_kind));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "&") + p;
  return out;
}

std::string describe_filter(const OperatorFilter& f) {
  std::vector<std::string> parts;
  if (!f.grade.empty()) parts.push_back("grade " + f.grade);
  if (!f.client_kind.empty()) parts.push_back(f.client_kind == "native" ? "command line" : f.client_kind);
  switch (f.period) {
    case PeriodFilter::All: break;
    case PeriodFilter::Day: parts.push_back("last 24 hours"); break;
    case PeriodFilter::Week: parts.push_back("last 7 days"); break;
    case PeriodFilter::Month: parts.push_back("last 30 days"); break;
    case PeriodFilter::OneDay: parts.push_back(f.day); break;
  }
  if (parts.empty()) return "all tests";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

void sort_rows(std::vector<TelemetryRow>& rows, SortOrder order) {
  std::stable_sort(rows.begin(), rows.end(), [&](const TelemetryRow& a, const TelemetryRow& b) {
    if (order.column == SortColumn::Client || order.column == SortColumn::Address) {
      const auto la = sort_label(a, order.column), lb = sort_label(b, order.column);
      if (la.empty() || lb.empty()) return !la.empty() && lb.empty();
      return order.descending ? la > lb : la < lb;
    }
    const auto ka = sort_figure(a, order.column), kb = sort_figure(b, order.column);
    if (!ka || !kb) return ka.has_value() && !kb.has_value();
    return order.descending ? *ka > *kb : *ka < *kb;
  });
}

SortOrder toggled(SortOrder current, SortColumn clicked) {
  if (current.column == clicked) return {clicked, !current.descending};
  const bool descending = clicked != SortColumn::Client && clicked != SortColumn::Address;
  return {clicked, descending};
}

std::string utc_day(std::int64_t unix_seconds) {
  const std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  return civil_from_days(days);
}

std::string utc_clock(std::int64_t unix_seconds) {
  const std::int64_t in_day = ((unix_seconds % 86400) + 86400) % 86400;
  char out[8];
  std::snprintf(out, sizeof out, "%02d:%02d", static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60));
  return out;
}

std::vector<DayStats> fill_days(const std::vector<DayStats>& stats, std::string_view last_day, int days) {
  std::vector<DayStats> out;
  const auto last = day_number(last_day);
  if (!last || days <= 0) return out;
  for (std::int64_t d = *last - days + 1; d <= *last; ++d) {
    DayStats day;
    day.day = civil_from_days(d);
    for (const auto& s : stats)
      if (s.day == day.day) day = s;
    out.push_back(std::move(day));
  }
  return out;
}

Histogram histogram(const std::vector<std::vector<double>>& series, int target_bins, double min_top) {
  std::vector<double> all;
  for (const auto& s : series) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  const double top = std::max(min_top, percentile_sorted(all, 95).value_or(min_top));
  Histogram h;
  h.width = round_step(top / std::max(1, target_bins));
  const auto regular = static_cast<std::size_t>(std::max(1.0, std::ceil(top / h.width - 1e-9)));
  h.open_top = !all.empty() && all.back() >= static_cast<double>(regular) * h.width;
  const std::size_t bins = regular + (h.open_top ? 1 : 0);
  for (const auto& s : series) {
    std::vector<std::int64_t> counts(bins, 0);
    for (double v : s) {
      const double bin = std::floor(std::max(0.0, v) / h.width);
      ++counts[std::min(bins - 1, static_cast<std::size_t>(bin))];
    }
    h.counts.push_back(std::move(counts));
  }
  return h;
}

Spread spread(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return {values.size(), percentile_sorted(values, 50), percentile_sorted(values, 90)};
}

std::vector<double> figures(const std::vector<TelemetryRow>& rows, RowFigure which) {
  std::vector<double> out;
  for (const auto& r : rows) {
    const auto& v = which == RowFigure::Increase ? r.increase_ms
                    : which == RowFigure::Download ? r.download_mbps
                                                   : r.upload_mbps;
    if (v) out.push_back(*v);
  }
  return out;
}

std::string short_time(std::string_view iso) {
  if (iso.size() < 16 || iso[10] != 'T') return std::string(iso);
  return std::string(iso.substr(0, 10)) + " " + std::string(iso.substr(11, 5));
}

std::string percent_encode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string webhook_headline(const WebhookHealth& h) {
  if (!h.configured) return h.queue_depth > 0 ? "Not configured, events waiting" : "Not configured";
  if (h.queue_depth > 0 && h.oldest_attempts > 0) return "Retrying";
  if (h.queue_depth > 0) return "Sending";
  if (!h.last_failure.empty() && h.last_failure > h.last_success) return "Last delivery failed";
  return h.delivered > 0 ? "Delivering" : "Ready, nothing sent yet";
}

bool webhook_trouble(const WebhookHealth& h) {
  return (h.configured && h.queue_depth > 0 && h.oldest_attempts > 0) ||
         (!h.last_failure.empty() && h.last_failure > h.last_success) || (!h.configured && h.queue_depth > 0);
}

std::string webhook_sentence(const WebhookHealth& h) {
  if (!h.configured && h.queue_depth == 0 && h.delivered == 0)
    return "Webhooks are not configured on this server (webhook_url and webhook_secret in its config file).";
  std::string out = "Webhooks: " + webhook_headline(h) + ". " + plural(h.delivered, "event", "events") +
                    " delivered, " + std::to_string(h.queue_depth) + " waiting";
  if (h.queue_depth > 0 && h.oldest_waiting_age_s)
    out += fmt(" (the oldest for %.0f s", *h.oldest_waiting_age_s) + ", " +
           plural(h.oldest_attempts, "attempt", "attempts") +
           (h.oldest_last_error.empty() ? "" : ", last error: " + h.oldest_last_error) + ")";
  out += ".";
  if (h.failed_permanently > 0) out += " " + plural(h.failed_permanently, "event", "events") + " refused or given up.";
  if (h.dropped > 0) out += " " + plural(h.dropped, "event", "events") + " dropped from a full queue.";
  if (!h.last_success.empty()) out += " Last success " + short_time(h.last_success) + " UTC.";
  if (!h.last_failure.empty())
    out += " Last failure " + short_time(h.last_failure) + " UTC" +
           (h.last_failure_reason.empty() ? "" : ": " + h.last_failure_reason) + ".";
  return out;
}

bool from_several_servers(const std::vector<TelemetryRow>& rows) {
  return std::any_of(rows.begin(), rows.end(), [&](const TelemetryRow& r) { return r.server_id != rows.front().server_id; });
}

std::string describe_row(const TelemetryRow& r, bool name_server) {
  std::string out = short_time(r.created_at) + " UTC, ";
  out += r.aborted ? "aborted" : (r.grade.empty() ? "no grade" : "grade " + r.grade);
  out += ", " + (r.client_kind == "native" ? std::string("command line") : r.client_kind) + " " +
         (r.mode == "household" ? "household" : "single user");
  if (!r.client_ip.empty()) out += " from " + r.client_ip;
  if (name_server && !r.server_id.empty()) out += ", on server " + r.server_id;
  if (r.increase_ms) out += fmt(", latency %+.1f ms", *r.increase_ms);
  if (r.download_mbps) out += fmt(", download %.1f", *r.download_mbps);
  if (r.upload_mbps) out += fmt(", upload %.1f Mbit/s", *r.upload_mbps);
  else if (r.download_mbps) out += " Mbit/s";
  return out + ", result " + r.result_id;
}

}  // namespace bloatmeter::web
