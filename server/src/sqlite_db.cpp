#include "sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

namespace bloatmeter::server {

namespace {

class SqliteStatement final : public StatementImpl {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void reset_and_clear() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void reset() override { sqlite3_reset(stmt_); }
  void bind_text(int i, std::string_view text) override {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind_integer(int i, std::int64_t n) override { sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(n)); }
  void bind_real(int i, double x) override { sqlite3_bind_double(stmt_, i, x); }
  void bind_blob(int i, const void* data, std::size_t size) override {
    sqlite3_bind_blob(stmt_, i, data, static_cast<int>(size), SQLITE_TRANSIENT);
  }
  void bind_null(int i) override { sqlite3_bind_null(stmt_, i); }
  Step step() override {
    const int rc = sqlite3_step(stmt_);
    return rc == SQLITE_ROW ? Step::Row : rc == SQLITE_DONE ? Step::Done : Step::Error;
  }
  std::string text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
  }
  std::int64_t integer(int c) const override { return sqlite3_column_int64(stmt_, c); }
  std::optional<double> real(int c) const override {
    if (is_null(c)) return std::nullopt;
    return sqlite3_column_double(stmt_, c);
  }
  bool is_null(int c) const override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace

Outcome<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::filesystem::path& file, bool read_only) {
  using R = Outcome<std::unique_ptr<SqliteDb>>;
  sqlite3* raw = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return R::failure("cannot open " + file.string() + ": " + why);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  // Another connection (the results writer, an operator's sqlite3 shell)
  // may hold the write lock briefly.
  sqlite3_busy_timeout(raw, 5000);
  // WAL: readers never block the writer. synchronous=FULL: a commit is on
  // disk before it returns, so a result answered with 201 survives a crash
  // or power loss (NORMAL could lose the last commits on power loss).
  for (const char* sql : {read_only ? "PRAGMA query_only=1;" : "PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;"}) {
    if (auto err = db->exec(sql); !err.empty()) return R::failure("cannot prepare " + file.string() + ": " + err);
  }
  return R::success(std::move(db));
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

std::string SqliteDb::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return why;
  }
  return {};
}

Outcome<Statement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return Outcome<Statement>::failure(error_text(sql));
  return Outcome<Statement>::success(Statement(std::make_unique<SqliteStatement>(stmt)));
}

std::string SqliteDb::error_text(std::string_view what) const {
  return "database error (" + std::string(what) + "): " + sqlite3_errmsg(db_);
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

}  // namespace bloatmeter::server
