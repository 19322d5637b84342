#pragma once
// One database connection and its statements, whatever the back end: the
// box's own SQLite file (the default) or a fleet's shared PostgreSQL
// (telemetry_database; database_target.hpp). The parts of the server that
// own a connection (results writer, telemetry reader, webhook sender,
// metrics refresh) each use theirs from one thread only, never from an I/O
// thread. Every value reaches SQL through a bound parameter, never through
// the text; statements are written once, with SQLite's ?N placeholders,
// and differ by dialect only where the SQL must (database_schema.hpp).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::server {

enum class Dialect { Sqlite, Postgres };
enum class Step { Row, Done, Error };

// A back end's statement (sqlite_db.cpp, postgres_db.cpp).
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void reset_and_clear() = 0;
  virtual void reset() = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_integer(int index, std::int64_t n) = 0;
  virtual void bind_real(int index, double x) = 0;
  virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
  virtual void bind_null(int index) = 0;
  virtual Step step() = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual std::optional<double> real(int column) const = 0;  // nothing for NULL
  virtual bool is_null(int column) const = 0;
};

class Statement {
 public:
  Statement() = default;
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  // Resets the statement and clears its bindings; returns *this for binds.
  Statement& fresh() {
    impl_->reset_and_clear();
    return *this;
  }
  Statement& bind(int index, std::string_view text) {
    impl_->bind_text(index, text);
    return *this;
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t n) {
    impl_->bind_integer(index, n);
    return *this;
  }
  Statement& bind(int index, int n) { return bind(index, static_cast<std::int64_t>(n)); }
  Statement& bind(int index, double x) {
    impl_->bind_real(index, x);
    return *this;
  }
  Statement& bind(int index, std::optional<double> x) { return x ? bind(index, *x) : bind_null(index); }
  Statement& bind_blob(int index, const void* data, std::size_t size) {
    impl_->bind_blob(index, data, size);
    return *this;
  }
  Statement& bind_null(int index) {
    impl_->bind_null(index);
    return *this;
  }
  // The next row, the end, or an error (the connection's error_text says).
  Step step() { return impl_->step(); }
  // Steps to the end; true when the statement finished without error.
  bool run() {
    Step s;
    while ((s = impl_->step()) == Step::Row) {
    }
    impl_->reset();
    return s == Step::Done;
  }
  void reset() { impl_->reset(); }

  std::string text(int column) const { return impl_->text(column); }
  std::int64_t integer(int column) const { return impl_->integer(column); }
  std::optional<double> real(int column) const { return impl_->real(column); }
  bool is_null(int column) const { return impl_->is_null(column); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Dialect dialect() const = 0;
  // Runs statements without parameters (schema, transactions); "" or the error.
  virtual std::string exec(std::string_view sql) = 0;
  virtual Outcome<Statement> prepare(std::string_view sql) = 0;
  virtual std::string error_text(std::string_view what) const = 0;
  // Rows the last INSERT, UPDATE or DELETE changed.
  virtual std::int64_t changes() const = 0;
  // How a writing transaction begins: SQLite takes the write lock at once
  // (BEGIN IMMEDIATE), so two writers never deadlock on an upgrade.
  virtual const char* begin_write() const = 0;

  // Several at once; "" or the first error.
  std::string prepare_all(std::initializer_list<std::pair<Statement*, const char*>> all) {
    for (const auto& [slot, sql] : all) {
      auto prepared = prepare(sql);
      if (!prepared) return prepared.error();
      *slot = std::move(prepared).value();
    }
    return {};
  }
};

// Runs f() inside a writing transaction; rolls back when f returns an
// error. "" or the error.
template <typename F>
std::string in_transaction(Database& db, F&& f) {
  if (auto err = db.exec(db.begin_write()); !err.empty()) return err;
  std::string err = f();
  if (err.empty()) err = db.exec("COMMIT");
  if (!err.empty()) db.exec("ROLLBACK");
  return err;
}

}  // namespace bloatmeter::server
