#include "telemetry_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

namespace bloatmeter::server {

const char* const kTelemetryColumns =
    "seq, result_id, created_at, created_unix, client_kind, client_version, mode, plan, client_ip, aborted, grade, "
    "baseline_ms, loaded_ms, increase_ms, download_mbps, upload_mbps, rpm, details_json, server_id";

TelemetryRow telemetry_row_from(const Statement& s) {
  TelemetryRow r;
  r.seq = s.integer(0);
  r.result_id = s.text(1);
  r.created_at = s.text(2);
  r.created_unix = s.integer(3);
  r.client_kind = s.text(4);
  r.client_version = s.text(5);
  r.mode = s.text(6);
  r.plan = s.text(7);
  r.client_ip = s.text(8);
  r.aborted = s.integer(9) != 0;
  r.grade = s.text(10);
  r.baseline_ms = s.real(11);
  r.loaded_ms = s.real(12);
  r.increase_ms = s.real(13);
  r.download_mbps = s.real(14);
  r.upload_mbps = s.real(15);
  r.rpm = s.real(16);
  r.details = nlohmann::json::parse(s.text(17), nullptr, false);
  if (r.details.is_discarded()) r.details = nlohmann::json::object();
  r.server_id = s.text(18);
  return r;
}

namespace {

std::string select_rows(const FilterSql& where, bool limited) {
  return std::string("SELECT ") + kTelemetryColumns + " FROM telemetry" + where.where + " ORDER BY seq DESC" +
         (limited ? " LIMIT ?" : "");
}

// Nearest-rank quantile of sorted values.
std::optional<double> quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

nlohmann::json spread(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  const auto round = [](std::optional<double> x) -> nlohmann::json {
    if (!x) return nullptr;
    return std::round(*x * 1000.0) / 1000.0;
  };
  return {{"count", values.size()}, {"median", round(quantile(values, 0.5))}, {"p90", round(quantile(values, 0.9))}};
}

// The period a moment falls in, named by its first day (UTC); weeks start
// on Monday (ISO 8601).
std::string period_of(std::int64_t unix_seconds, StatsPeriod period) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (period == StatsPeriod::Week) {
    const int back = (tm.tm_wday + 6) % 7;  // days since Monday
    t -= static_cast<std::time_t>(back) * 86400;
    gmtime_r(&t, &tm);
  }
  char text[16];
  std::strftime(text, sizeof text, period == StatsPeriod::Month ? "%Y-%m" : "%Y-%m-%d", &tm);
  return text;
}

struct Bucket {
  std::int64_t count = 0;
  std::int64_t aborted = 0;
  std::map<std::string, std::int64_t> grades;
  std::vector<double> increase, download, upload;
  void add(const std::string& grade, bool was_aborted, std::optional<double> inc, std::optional<double> down,
           std::optional<double> up) {
    ++count;
    if (was_aborted) ++aborted;
    ++grades[grade.empty() ? "none" : grade];
    if (inc) increase.push_back(*inc);
    if (down) download.push_back(*down);
    if (up) upload.push_back(*up);
  }
  nlohmann::json json() {
    nlohmann::json g = nlohmann::json::object();
    for (const char* name : {"A+", "A", "B", "C", "D", "F", "none"}) g[name] = grades[name];
    return {{"count", count},     {"aborted", aborted},
            {"grades", g},        {"increase_ms", spread(increase)},
            {"download_mbps", spread(download)}, {"upload_mbps", spread(upload)}};
  }
};

}  // namespace

Outcome<std::unique_ptr<TelemetryReader>> TelemetryReader::open(const DatabaseTarget& target,
                                                                 std::filesystem::path spool_dir) {
  using R = Outcome<std::unique_ptr<TelemetryReader>>;
  auto db = open_database(target);
  if (!db) return R::failure(db.error());
  return R::success(
      std::unique_ptr<TelemetryReader>(new TelemetryReader(std::move(db).value(), target, std::move(spool_dir))));
}

Outcome<TelemetryPage> TelemetryReader::page(const TelemetryFilter& filter) {
  using R = Outcome<TelemetryPage>;
  const auto where = filter_sql(filter);
  auto st = db_->prepare(select_rows(where, true));
  if (!st) return R::failure(st.error());
  auto& q = st.value();
  bind_filter(q, filter);
  q.bind(where.parameters + 1, filter.limit + 1);  // one more tells whether another page follows
  TelemetryPage page;
  Step rc;
  while ((rc = q.step()) == Step::Row) {
    if (static_cast<int>(page.rows.size()) == filter.limit) {
      page.next_cursor = page.rows.back().seq;
      break;
    }
    page.rows.push_back(telemetry_row_from(q));
  }
  if (rc != Step::Row && rc != Step::Done) return R::failure(db_->error_text("telemetry page"));
  return R::success(std::move(page));
}

Outcome<nlohmann::json> TelemetryReader::stats(const TelemetryFilter& filter, StatsPeriod period) {
  using R = Outcome<nlohmann::json>;
  const auto where = filter_sql(filter);
  auto st = db_->prepare("SELECT created_unix, client_kind, grade, aborted, increase_ms, download_mbps, upload_mbps "
                         "FROM telemetry" + where.where + " ORDER BY created_unix");
  if (!st) return R::failure(st.error());
  auto& q = st.value();
  bind_filter(q, filter);
  // period -> client kind ("all" too) -> bucket
  std::map<std::string, std::map<std::string, Bucket>> buckets;
  Step rc;
  while ((rc = q.step()) == Step::Row) {
    auto& by_kind = buckets[period_of(q.integer(0), period)];
    for (const auto& kind : {std::string("all"), q.text(1)})
      by_kind[kind].add(q.text(2), q.integer(3) != 0, q.real(4), q.real(5), q.real(6));
  }
  if (rc != Step::Done) return R::failure(db_->error_text("telemetry stats"));
  nlohmann::json periods = nlohmann::json::array();
  for (auto& [name, by_kind] : buckets) {
    nlohmann::json kinds = nlohmann::json::object();
    for (auto& [kind, bucket] : by_kind) kinds[kind] = bucket.json();
    periods.push_back({{"period", name}, {"by_client_kind", std::move(kinds)}});
  }
  return R::success(std::move(periods));
}

Outcome<std::unique_ptr<TelemetryExport>> TelemetryReader::open_export(const TelemetryFilter& filter) {
  using R = Outcome<std::unique_ptr<TelemetryExport>>;
  if (target_.shared()) return spool_export(filter);
  auto db = open_database(target_);
  if (!db) return R::failure(db.error());
  auto out = std::make_unique<TelemetryExport>();
  out->db_ = std::move(db).value();
  const auto where = filter_sql(filter);
  auto st = out->db_->prepare(select_rows(where, false));
  if (!st) return R::failure(st.error());
  out->query_ = std::move(st).value();
  bind_filter(out->query_, filter);
  return R::success(std::move(out));
}

// A cursor read 500 rows at a time, in one read-only snapshot, into an
// unlinked file: memory stays one batch however many rows match.
Outcome<std::unique_ptr<TelemetryExport>> TelemetryReader::spool_export(const TelemetryFilter& filter) {
  using R = Outcome<std::unique_ptr<TelemetryExport>>;
  auto out = std::make_unique<TelemetryExport>();
  const auto pattern = (spool_dir_ / "export-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return R::failure("cannot make a file for the export in " + spool_dir_.string());
  ::unlink(name.data());
  out->spool_ = ::fdopen(fd, "w+");
  if (!out->spool_) {
    ::close(fd);
    return R::failure("cannot write the export's file");
  }
  if (auto err = db_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !err.empty()) return R::failure(err);
  const auto where = filter_sql(filter);
  auto err = [&]() -> std::string {
    auto declare = db_->prepare("DECLARE bloatmeter_export NO SCROLL CURSOR FOR " + select_rows(where, false));
    if (!declare) return declare.error();
    bind_filter(declare.value(), filter);
    if (!declare.value().run()) return db_->error_text("telemetry export");
    auto fetch = db_->prepare("FETCH 500 FROM bloatmeter_export");
    if (!fetch) return fetch.error();
    for (;;) {
      auto& q = fetch.value().fresh();
      int rows = 0;
      Step rc;
      while ((rc = q.step()) == Step::Row) {
        const auto line = telemetry_csv_line(telemetry_row_from(q));
        if (std::fwrite(line.data(), 1, line.size(), out->spool_) != line.size()) return "cannot write the export's file";
        ++rows;
      }
      if (rc != Step::Done) return db_->error_text("telemetry export");
      if (rows == 0) return {};
    }
  }();
  db_->exec(err.empty() ? "COMMIT" : "ROLLBACK");
  if (!err.empty()) return R::failure(err);
  std::rewind(out->spool_);
  return R::success(std::move(out));
}

TelemetryExport::~TelemetryExport() {
  if (spool_) std::fclose(spool_);
}

Outcome<std::string> TelemetryExport::next_batch(int rows) {
  std::string out;
  if (spool_) {
    // About `rows` lines' worth of bytes.
    out.resize(static_cast<std::size_t>(rows) * 256);
    out.resize(std::fread(out.data(), 1, out.size(), spool_));
    if (out.empty()) done_ = true;
    return Outcome<std::string>::success(std::move(out));
  }
  for (int i = 0; i < rows && !done_; ++i) {
    const Step rc = query_.step();
    if (rc == Step::Row) {
      out += telemetry_csv_line(telemetry_row_from(query_));
    } else {
      done_ = true;
      query_.reset();  // ends the read transaction
      if (rc != Step::Done) return Outcome<std::string>::failure(db_->error_text("telemetry export"));
    }
  }
  return Outcome<std::string>::success(std::move(out));
}

Outcome<nlohmann::json> TelemetryReader::erase(const IpPrefix& customer) {
  using R = Outcome<nlohmann::json>;
  TelemetryFilter filter;
  filter.customer = customer;
  const auto where = filter_sql(filter);
  std::int64_t rows = 0, results = 0, events = 0;
  const std::string ids = "SELECT result_id FROM telemetry" + where.where;
  auto err = in_transaction(*db_, [&]() -> std::string {
    // Results and waiting events first, found through the telemetry rows.
    for (auto [sql, count] : {std::pair{"DELETE FROM results WHERE id IN (" + ids + ")", &results},
                              std::pair{"DELETE FROM webhook_outbox WHERE result_id IN (" + ids + ")", &events},
                              std::pair{"DELETE FROM telemetry" + where.where, &rows}}) {
      auto st = db_->prepare(sql);
      if (!st) return st.error();
      bind_filter(st.value(), filter);
      if (!st.value().run()) return db_->error_text("erase");
      *count = db_->changes();
    }
    return {};
  });
  if (!err.empty()) return R::failure(err);
  return R::success(nlohmann::json{{"telemetry_rows", rows}, {"results", results}, {"webhook_events", events}});
}

Outcome<nlohmann::json> TelemetryReader::counts() {
  using R = Outcome<nlohmann::json>;
  nlohmann::json out;
  for (const char* table : {"results", "telemetry", "webhook_outbox"}) {
    auto st = db_->prepare(std::string("SELECT COUNT(*) FROM ") + table);
    if (!st) return R::failure(st.error());
    if (st.value().step() != Step::Row) return R::failure(db_->error_text("count"));
    out[table] = st.value().integer(0);
  }
  if (target_.shared()) {
    auto st = db_->prepare("SELECT pg_database_size(current_database())");
    if (!st) return R::failure(st.error());
    out["database_bytes"] = st.value().step() == Step::Row ? st.value().integer(0) : 0;
    return R::success(std::move(out));
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(target_.sqlite_file, ec);
  out["database_bytes"] = ec ? 0 : size;
  return R::success(std::move(out));
}

}  // namespace bloatmeter::server
