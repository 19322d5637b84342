#pragma once
// A fleet's shared database: one PostgreSQL connection through libpq
// (database.hpp). Statements keep SQLite's ?N placeholders and are sent
// as $N with every execution (PQexecParams, no server-side prepares), so a
// connection that was lost and made again loses nothing. A lost
// connection is made again before the next statement that starts outside
// a transaction; inside one, the statement fails and the transaction with
// it, and the caller's error path runs (the client gets 500, never a
// half-written result).
#include <memory>
#include <string>

#include "database.hpp"

struct pg_conn;

namespace bloatmeter::server {

class PostgresDb final : public Database {
 public:
  static Outcome<std::unique_ptr<PostgresDb>> open(const std::string& uri);
  ~PostgresDb() override;

  Dialect dialect() const override { return Dialect::Postgres; }
  std::string exec(std::string_view sql) override;
  Outcome<Statement> prepare(std::string_view sql) override;
  std::string error_text(std::string_view what) const override;
  std::int64_t changes() const override { return changes_; }
  const char* begin_write() const override { return "BEGIN"; }

  // For statements: a usable connection (made again when it was lost and
  // no transaction was open), and what the last one did.
  pg_conn* connection();
  void set_error(std::string message) { error_ = std::move(message); }
  void set_changes(std::int64_t n) { changes_ = n; }
  bool in_transaction() const { return in_transaction_; }

 private:
  explicit PostgresDb(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
  std::string error_;
  std::int64_t changes_ = 0;
  bool in_transaction_ = false;  // between a BEGIN that worked and its COMMIT or ROLLBACK
};

// ?N -> $N and ? -> $k (k counting them in order), outside '...' literals.
std::string postgres_placeholders(std::string_view sql);
// "" when libpq accepts the URI, else why not.
std::string postgres_uri_error(const std::string& uri);

}  // namespace bloatmeter::server
