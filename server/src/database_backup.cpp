#include "database_backup.hpp"

#include <sqlite3.h>

#include "sqlite_db.hpp"

namespace bloatmeter::server {
namespace fs = std::filesystem;

namespace {
// Pages copied per step; between steps the writer may go on (the server
// keeps storing results while a backup runs; a write restarts the copy of
// what changed, which SQLite handles).
constexpr int kPagesPerStep = 512;

long long count(SqliteDb& db, const char* sql) {
  auto q = db.prepare(sql);
  if (!q) return -1;
  auto& statement = q.value();
  const long long n = statement.step() == Step::Row ? statement.integer(0) : -1;
  statement.reset();
  return n;
}
}  // namespace

Outcome<BackupReport> backup_database(const fs::path& database, const fs::path& target) {
  using R = Outcome<BackupReport>;
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) return R::failure("no database at " + database.string());
  if (fs::exists(target, ec)) return R::failure(target.string() + " exists; a backup never overwrites a file");
  auto source = SqliteDb::open(database, /*read_only=*/true);
  if (!source) return R::failure("cannot open " + database.string() + ": " + source.error());
  auto partial = target;
  partial += ".partial";
  fs::remove(partial, ec);
  sqlite3* out = nullptr;
  if (sqlite3_open_v2(partial.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = out ? sqlite3_errmsg(out) : "out of memory";
    sqlite3_close(out);
    return R::failure("cannot create " + partial.string() + ": " + why);
  }
  BackupReport report;
  std::string error;
  if (sqlite3_backup* backup = sqlite3_backup_init(out, "main", source.value()->get(), "main")) {
    int rc;
    do {
      rc = sqlite3_backup_step(backup, kPagesPerStep);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    report.pages = sqlite3_backup_pagecount(backup);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) error = std::string("the copy failed: ") + sqlite3_errstr(rc);
  } else {
    error = std::string("cannot start the copy: ") + sqlite3_errmsg(out);
  }
  sqlite3_close(out);
  if (error.empty()) {
    auto copy = SqliteDb::open(partial, /*read_only=*/true);
    if (!copy) {
      error = "cannot open the copy: " + copy.error();
    } else {
      auto check = copy.value()->prepare("PRAGMA quick_check");
      const bool ok = check && check.value().step() == Step::Row && check.value().text(0) == "ok";
      if (check) check.value().reset();
      if (!ok) error = "the copy failed its check (PRAGMA quick_check)";
      report.results = count(*copy.value(), "SELECT COUNT(*) FROM results");
      report.telemetry_rows = count(*copy.value(), "SELECT COUNT(*) FROM telemetry");
    }
  }
  if (error.empty()) {
    fs::rename(partial, target, ec);
    if (ec) error = "cannot move the copy into place: " + ec.message();
  }
  if (!error.empty()) {
    fs::remove(partial, ec);
    auto wal = partial;
    wal += "-wal";
    fs::remove(wal, ec);
    return R::failure(error);
  }
  return R::success(report);
}

}  // namespace bloatmeter::server
