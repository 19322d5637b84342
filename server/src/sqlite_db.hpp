#pragma once
// The box's own database: one SQLite file under data_dir (database.hpp).
#include <filesystem>
#include <memory>

#include "database.hpp"

struct sqlite3;

namespace bloatmeter::server {

class SqliteDb final : public Database {
 public:
  // Opens (creating unless read_only) with WAL, a busy timeout and full
  // synchronous writes: an answered write is on disk.
  static Outcome<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& file, bool read_only = false);
  ~SqliteDb() override;

  Dialect dialect() const override { return Dialect::Sqlite; }
  std::string exec(std::string_view sql) override;
  Outcome<Statement> prepare(std::string_view sql) override;
  std::string error_text(std::string_view what) const override;
  std::int64_t changes() const override;
  const char* begin_write() const override { return "BEGIN IMMEDIATE"; }
  sqlite3* get() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace bloatmeter::server
