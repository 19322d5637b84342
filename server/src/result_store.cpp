#include "result_store.hpp"

#include <sqlite3.h>

namespace bloatmeter::server {

// A prepared statement, finalized with its owner.
struct ResultStore::Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
  // Resets on every use so a statement never carries state between calls.
  sqlite3_stmt* fresh() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return stmt;
  }
};

namespace {
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS results (
  id            TEXT PRIMARY KEY,
  created_at    TEXT NOT NULL,
  client_ip     TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  overall       TEXT NOT NULL,
  summary_json  TEXT NOT NULL,
  document_json TEXT NOT NULL
);
)sql";

void bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* stmt, int index) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, index));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, index))) : std::string();
}
}  // namespace

Outcome<std::unique_ptr<ResultStore>> ResultStore::open(const std::filesystem::path& file, std::size_t retention) {
  using R = Outcome<std::unique_ptr<ResultStore>>;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return R::failure("cannot open " + file.string() + ": " + why);
  }
  std::unique_ptr<ResultStore> store(new ResultStore(db, retention));
  // WAL: readers (e.g. an operator's sqlite3 shell) never block the writer.
  // A busy timeout rides out such a reader's brief locks.
  sqlite3_busy_timeout(db, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", kSchema}) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      return R::failure("cannot prepare " + file.string() + ": " + why);
    }
  }
  if (auto err = store->prepare_all(); !err.empty()) return R::failure(err);
  return R::success(std::move(store));
}

ResultStore::ResultStore(sqlite3* db, std::size_t retention) : db_(db), retention_(retention) {}

ResultStore::~ResultStore() {
  // Statements first: a connection with live statements does not close.
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  insert_.reset();
  trim_.reset();
  find_.reset();
  sqlite3_close(db_);
}

std::string ResultStore::prepare_all() {
  const std::pair<std::unique_ptr<Statement>*, const char*> all[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&insert_,
       "INSERT INTO results (id, created_at, client_ip, user_agent, overall, summary_json, document_json) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      // Keeps the newest rows: rowids grow with each insert.
      {&trim_, "DELETE FROM results WHERE rowid <= (SELECT rowid FROM results ORDER BY rowid DESC LIMIT 1 OFFSET ?1)"},
      {&find_, "SELECT id, created_at, document_json FROM results WHERE id = ?1"},
  };
  for (const auto& [slot, sql] : all) {
    *slot = std::make_unique<Statement>();
    if (sqlite3_prepare_v2(db_, sql, -1, &(*slot)->stmt, nullptr) != SQLITE_OK) return error_text(sql);
  }
  return {};
}

std::string ResultStore::error_text(std::string_view what) const {
  return "database error (" + std::string(what) + "): " + sqlite3_errmsg(db_);
}

std::string ResultStore::insert(const NewResult& r) {
  if (sqlite3_step(begin_->fresh()) != SQLITE_DONE) return error_text("begin");
  auto* ins = insert_->fresh();
  bind_text(ins, 1, r.id);
  bind_text(ins, 2, r.created_at);
  bind_text(ins, 3, r.client_ip);
  bind_text(ins, 4, r.user_agent);
  bind_text(ins, 5, r.overall);
  bind_text(ins, 6, r.summary_json);
  bind_text(ins, 7, r.document_json);
  std::string err;
  if (sqlite3_step(ins) != SQLITE_DONE) err = error_text("insert");
  if (err.empty()) {
    auto* trim = trim_->fresh();
    sqlite3_bind_int64(trim, 1, static_cast<sqlite3_int64>(retention_));
    if (sqlite3_step(trim) != SQLITE_DONE) err = error_text("trim");
  }
  if (err.empty() && sqlite3_step(commit_->fresh()) != SQLITE_DONE) err = error_text("commit");
  if (!err.empty()) sqlite3_step(rollback_->fresh());
  // Release the statements' read state so WAL checkpoints are not held up.
  sqlite3_reset(ins);
  sqlite3_reset(trim_->stmt);
  return err;
}

Outcome<std::optional<StoredResult>> ResultStore::find(std::string_view id) {
  using R = Outcome<std::optional<StoredResult>>;
  auto* q = find_->fresh();
  bind_text(q, 1, id);
  const int rc = sqlite3_step(q);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(q);
    if (rc == SQLITE_DONE) return R::success(std::nullopt);
    return R::failure(error_text("find"));
  }
  StoredResult out{column_text(q, 0), column_text(q, 1), column_text(q, 2)};
  sqlite3_reset(q);
  return R::success(std::move(out));
}

}  // namespace bloatmeter::server
