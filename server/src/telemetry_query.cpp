#include "telemetry_query.hpp"

#include <charconv>
#include <ctime>
#include <set>

#include "bloatmeter/grade.hpp"
#include "sqlite_db.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {
namespace {

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

bool is_grade_name(const std::string& g) {
  for (const char* name : {"A+", "A", "B", "C", "D", "F"})
    if (g == name) return true;
  return g == "none";
}

// The prefix's first and last address, as telemetry.ip_key bytes.
std::pair<std::string, std::string> key_range(const IpPrefix& p) {
  const int size = p.v4 ? 4 : 16;
  std::string low(reinterpret_cast<const char*>(p.bytes.data()), static_cast<std::size_t>(size));
  std::string high = low;
  for (int bit = p.length; bit < size * 8; ++bit) high[static_cast<std::size_t>(bit / 8)] |= static_cast<char>(0x80u >> (bit % 8));
  return {low, high};
}

}  // namespace

std::optional<std::int64_t> parse_time_param(std::string_view text) {
  if (auto n = whole_number(text)) return n;
  // YYYY-MM-DD, optionally THH:MM:SSZ
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const auto field = [&](std::size_t at, std::size_t len, int& out) {
    if (at + len > text.size()) return false;
    auto n = whole_number(text.substr(at, len));
    if (!n) return false;
    out = static_cast<int>(*n);
    return true;
  };
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (!field(0, 4, y) || text[4] != '-' || !field(5, 2, mo) || text[7] != '-' || !field(8, 2, d)) return std::nullopt;
  if (text.size() == 20) {
    if (text[10] != 'T' || !field(11, 2, h) || text[13] != ':' || !field(14, 2, mi) || text[16] != ':' ||
        !field(17, 2, s) || text[19] != 'Z')
      return std::nullopt;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const auto t = timegm(&tm);
  if (tm.tm_mday != d) return std::nullopt;  // 2026-02-31 rolled over
  return static_cast<std::int64_t>(t);
}

Outcome<TelemetryFilter> parse_telemetry_filter(std::string_view query) {
  using R = Outcome<TelemetryFilter>;
  TelemetryFilter f;
  static const std::set<std::string, std::less<>> known{"since", "until", "grade", "client_kind", "mode",
                                                        "cursor", "limit", "api_key", "period"};
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const auto pair = query.substr(start, end - start);
    const auto name = pair.substr(0, pair.find('='));
    if (!name.empty() && !known.contains(name))
      return R::failure("unknown parameter '" + std::string(name.substr(0, 40)) +
                        "' (known: since, until, grade, client_kind, mode, cursor, limit)");
    start = end + 1;
  }
  if (auto v = query_param(query, "since")) {
    f.since = parse_time_param(*v);
    if (!f.since) return R::failure("since: expected a date (2026-12-05), a UTC time (2026-12-05T10:00:00Z) or unix seconds");
  }
  if (auto v = query_param(query, "until")) {
    f.until = parse_time_param(*v);
    if (!f.until) return R::failure("until: expected a date (2026-12-05), a UTC time (2026-12-05T10:00:00Z) or unix seconds");
  }
  if (auto v = query_param(query, "grade")) {
    if (!is_grade_name(*v)) return R::failure("grade: expected one of A+, A, B, C, D, F, none (A+ is written A%2B)");
    f.grade = *v;
  }
  if (auto v = query_param(query, "client_kind")) {
    if (*v != "browser" && *v != "native") return R::failure("client_kind: expected browser or native");
    f.client_kind = *v;
  }
  if (auto v = query_param(query, "mode")) {
    if (*v != "single" && *v != "household") return R::failure("mode: expected single or household");
    f.mode = *v;
  }
  if (auto v = query_param(query, "cursor")) {
    f.cursor = whole_number(*v);
    if (!f.cursor || *f.cursor < 1) return R::failure("cursor: expected the next_cursor of a previous page");
  }
  if (auto v = query_param(query, "limit")) {
    const auto n = whole_number(*v);
    if (!n || *n < 1 || *n > kMaxPageRows) return R::failure("limit: expected 1 to " + std::to_string(kMaxPageRows));
    f.limit = static_cast<int>(*n);
  }
  return R::success(std::move(f));
}

nlohmann::json to_json(const TelemetryFilter& f) {
  nlohmann::json out = nlohmann::json::object();
  const auto time_text = [](std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(text);
  };
  if (f.since) out["since"] = time_text(*f.since);
  if (f.until) out["until"] = time_text(*f.until);
  if (f.grade) out["grade"] = *f.grade;
  if (f.client_kind) out["client_kind"] = *f.client_kind;
  if (f.mode) out["mode"] = *f.mode;
  if (f.customer) out["customer"] = f.customer->text();
  if (f.cursor) out["cursor"] = *f.cursor;
  out["limit"] = f.limit;
  return out;
}

FilterSql filter_sql(const TelemetryFilter& f) {
  FilterSql sql;
  const auto add = [&](const char* fragment, int parameters) {
    sql.where += sql.where.empty() ? " WHERE " : " AND ";
    sql.where += fragment;
    sql.parameters += parameters;
  };
  if (f.since) add("created_unix >= ?", 1);
  if (f.until) add("created_unix < ?", 1);
  if (f.grade) add("grade = ?", 1);
  if (f.client_kind) add("client_kind = ?", 1);
  if (f.mode) add("mode = ?", 1);
  if (f.customer) add("ip_v6 = ? AND ip_key BETWEEN ? AND ?", 3);
  if (f.cursor) add("seq < ?", 1);
  return sql;
}

void bind_filter(Statement& st, const TelemetryFilter& f, int i) {
  if (f.since) st.bind(i++, *f.since);
  if (f.until) st.bind(i++, *f.until);
  if (f.grade) st.bind(i++, *f.grade == "none" ? std::string() : *f.grade);
  if (f.client_kind) st.bind(i++, *f.client_kind);
  if (f.mode) st.bind(i++, *f.mode);
  if (f.customer) {
    const auto [low, high] = key_range(*f.customer);
    st.bind(i++, f.customer->v4 ? 0 : 1);
    st.bind_blob(i++, low.data(), low.size());
    st.bind_blob(i++, high.data(), high.size());
  }
  if (f.cursor) st.bind(i++, *f.cursor);
}

}  // namespace bloatmeter::server
