#include "postgres_db.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <vector>

namespace bloatmeter::server {
namespace {

// Every statement ends within 15 s and waits for a lock at most 5 s: a
// stuck database fails a submission instead of holding its thread. Notices
// ("relation already exists, skipping") are not the log's business.
constexpr const char* kSessionOptions =
    "-c statement_timeout=15000 -c lock_timeout=5000 -c client_min_messages=warning";

std::string trimmed_message(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PostgresStatement final : public StatementImpl {
 public:
  PostgresStatement(PostgresDb& db, std::string sql) : db_(db), sql_(std::move(sql)) {}
  ~PostgresStatement() override { clear_result(); }
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  void reset_and_clear() override {
    reset();
    values_.clear();
  }
  void reset() override {
    clear_result();
    row_ = -1;
  }
  void bind_text(int i, std::string_view text) override { slot(i) = Value{std::string(text), false, false}; }
  void bind_integer(int i, std::int64_t n) override { slot(i) = Value{std::to_string(n), false, false}; }
  void bind_real(int i, double x) override {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);  // the shortest text that reads back the same
    slot(i) = Value{std::string(buf, ec == std::errc{} ? end : buf), false, false};
  }
  void bind_blob(int i, const void* data, std::size_t size) override {
    slot(i) = Value{std::string(static_cast<const char*>(data), size), true, false};
  }
  void bind_null(int i) override { slot(i) = Value{{}, false, true}; }

  Step step() override {
    if (!result_ && !execute()) return Step::Error;
    if (++row_ < PQntuples(result_)) return Step::Row;
    return Step::Done;
  }
  std::string text(int c) const override {
    return std::string(PQgetvalue(result_, row_, c), static_cast<std::size_t>(PQgetlength(result_, row_, c)));
  }
  std::int64_t integer(int c) const override { return std::strtoll(PQgetvalue(result_, row_, c), nullptr, 10); }
  std::optional<double> real(int c) const override {
    if (is_null(c)) return std::nullopt;
    return std::strtod(PQgetvalue(result_, row_, c), nullptr);
  }
  bool is_null(int c) const override { return PQgetisnull(result_, row_, c) != 0; }

 private:
  struct Value {
    std::string bytes;
    bool binary = false;
    bool null = true;
  };
  Value& slot(int i) {
    if (static_cast<int>(values_.size()) < i) values_.resize(static_cast<std::size_t>(i));
    return values_[static_cast<std::size_t>(i - 1)];
  }
  void clear_result() {
    if (result_) PQclear(result_);
    result_ = nullptr;
  }
  bool execute() {
    PGconn* conn = db_.connection();
    if (!conn) return false;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& v : values_) {
      values.push_back(v.null ? nullptr : v.bytes.data());
      lengths.push_back(static_cast<int>(v.bytes.size()));
      formats.push_back(v.binary ? 1 : 0);  // blobs as bytes (bytea), the rest as text
    }
    const auto send = [&](PGconn* c) {
      return PQexecParams(c, sql_.c_str(), static_cast<int>(values.size()), nullptr, values.data(), lengths.data(),
                          formats.data(), 0);
    };
    const bool idle = !db_.in_transaction() && PQtransactionStatus(conn) == PQTRANS_IDLE;
    result_ = send(conn);
    if (idle && PQstatus(conn) == CONNECTION_BAD) {
      // The database went away since the last statement (a restart): this
      // one was outside any transaction, so it is sent again on a new
      // connection. (Every write the server makes runs in a transaction, so
      // only reads are ever sent twice.)
      clear_result();
      conn = db_.connection();
      if (!conn) return false;
      result_ = send(conn);
    }
    const auto status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      db_.set_error(trimmed_message(PQresultErrorMessage(result_)));
      clear_result();
      return false;
    }
    const char* affected = PQcmdTuples(result_);
    db_.set_changes(affected && *affected ? std::strtoll(affected, nullptr, 10) : 0);
    row_ = -1;
    return true;
  }

  PostgresDb& db_;
  std::string sql_;
  std::vector<Value> values_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

}  // namespace

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  int next = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted || c != '?') {
      out += c;
      continue;
    }
    out += '$';
    if (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') continue;  // ?N keeps its N
    out += std::to_string(++next);
  }
  return out;
}

std::string postgres_uri_error(const std::string& uri) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &err);
  if (!options) {
    std::string why = err ? trimmed_message(err) : "libpq could not read it";
    PQfreemem(err);
    return why;
  }
  PQconninfoFree(options);
  return {};
}

Outcome<std::unique_ptr<PostgresDb>> PostgresDb::open(const std::string& uri) {
  using R = Outcome<std::unique_ptr<PostgresDb>>;
  const char* keys[] = {"dbname", "connect_timeout", "options", "application_name", "keepalives", "keepalives_idle",
                        nullptr};
  const char* values[] = {uri.c_str(), "5", kSessionOptions, "bloatmeter-server", "1", "30", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return R::failure("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = trimmed_message(PQerrorMessage(conn));
    PQfinish(conn);
    return R::failure("cannot connect to PostgreSQL: " + why);
  }
  return R::success(std::unique_ptr<PostgresDb>(new PostgresDb(conn)));
}

PostgresDb::~PostgresDb() { PQfinish(conn_); }

PGconn* PostgresDb::connection() {
  if (PQstatus(conn_) == CONNECTION_OK) return conn_;
  // Lost inside a transaction: its statements so far are gone with the
  // connection, so every further one fails (COMMIT too) until the caller's
  // ROLLBACK; a new connection would run the rest without them.
  if (in_transaction_) {
    error_ = "the connection to PostgreSQL was lost inside a transaction";
    return nullptr;
  }
  // Lost (a restart of the database, a network cut): made again, once per
  // statement, so a database that is back serves the next submission.
  PQreset(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return conn_;
  error_ = "no connection to PostgreSQL: " + trimmed_message(PQerrorMessage(conn_));
  return nullptr;
}

std::string PostgresDb::exec(std::string_view sql) {
  const std::string text(sql);
  // Transactions begin and end only here (in_transaction, database.hpp).
  // A ROLLBACK may go to a new connection (nothing to undo there); a COMMIT
  // never: on a lost connection it fails, and the caller rolls back.
  if (text == "ROLLBACK") in_transaction_ = false;
  PGconn* conn = connection();
  if (!conn) return error_;
  const bool idle = !in_transaction_ && PQtransactionStatus(conn) == PQTRANS_IDLE;
  PGresult* r = PQexec(conn, text.c_str());
  if (idle && PQstatus(conn) == CONNECTION_BAD) {  // as in PostgresStatement::execute
    PQclear(r);
    conn = connection();
    if (!conn) return error_;
    r = PQexec(conn, text.c_str());
  }
  const auto status = PQresultStatus(r);
  std::string err;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) err = trimmed_message(PQresultErrorMessage(r));
  PQclear(r);
  if (!err.empty()) error_ = err;
  if (text.starts_with("BEGIN")) in_transaction_ = err.empty();
  if (text == "COMMIT") in_transaction_ = false;
  return err;
}

Outcome<Statement> PostgresDb::prepare(std::string_view sql) {
  return Outcome<Statement>::success(Statement(std::make_unique<PostgresStatement>(*this, postgres_placeholders(sql))));
}

std::string PostgresDb::error_text(std::string_view what) const {
  return "database error (" + std::string(what) + "): " + error_;
}

}  // namespace bloatmeter::server
