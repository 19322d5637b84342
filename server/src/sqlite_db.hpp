#pragma once
// One SQLite connection and its prepared statements, for the few parts of
// the server that own a connection each (results writer, telemetry reader,
// webhook sender): each uses its connection from one thread only. Every
// value reaches SQL through a bound parameter, never through the text.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/outcome.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace bloatmeter::server {

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  // Resets the statement and clears its bindings; returns *this for binds.
  Statement& fresh();
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t n);
  Statement& bind(int index, int n) { return bind(index, static_cast<std::int64_t>(n)); }
  Statement& bind(int index, double x);
  Statement& bind(int index, std::optional<double> x);
  Statement& bind_blob(int index, const void* data, std::size_t size);
  Statement& bind_null(int index);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // Steps to the end; true when the statement finished without error.
  bool run();
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<double> real(int column) const;  // nothing for NULL
  bool is_null(int column) const;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating unless read_only) with WAL, a busy timeout and full
  // synchronous writes: an answered write is on disk.
  static Outcome<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& file, bool read_only = false);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs statements without parameters (schema, pragmas); "" or the error.
  std::string exec(std::string_view sql);
  Outcome<Statement> prepare(std::string_view sql);
  // Several at once; "" or the first error.
  std::string prepare_all(std::initializer_list<std::pair<Statement*, const char*>> all);
  std::string error_text(std::string_view what) const;
  std::int64_t changes() const;
  sqlite3* get() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Runs f() inside BEGIN IMMEDIATE ... COMMIT; rolls back when f returns an
// error. "" or the error.
template <typename F>
std::string in_transaction(SqliteDb& db, F&& f) {
  if (auto err = db.exec("BEGIN IMMEDIATE"); !err.empty()) return err;
  std::string err = f();
  if (err.empty()) err = db.exec("COMMIT");
  if (!err.empty()) db.exec("ROLLBACK");
  return err;
}

}  // namespace bloatmeter::server
