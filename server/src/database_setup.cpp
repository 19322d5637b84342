#include "database_setup.hpp"

#include "database_schema.hpp"

namespace bloatmeter::server {
namespace {

// Any constant shared by every bloatmeter server: "bloatmtr" in ASCII.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7092164372153676914)";

bool has_column(Database& db, const char* table, const char* column) {
  auto q = db.prepare(std::string("SELECT COUNT(*) FROM pragma_table_info('") + table + "') WHERE name = ?1");
  if (!q) return false;
  auto& st = q.value();
  st.bind(1, column);
  const bool found = st.step() == Step::Row && st.integer(0) > 0;
  st.reset();
  return found;
}

// Runs `sql` with this server's id as ?1; "" or the error.
std::string run_for_server(Database& db, const std::string& sql, const std::string& server_id, const char* what) {
  auto q = db.prepare(sql);
  if (!q) return q.error();
  if (!q.value().bind(1, server_id).run()) return db.error_text(what);
  return {};
}

std::int64_t user_version(Database& db) {
  auto q = db.prepare("PRAGMA user_version");
  if (!q || q.value().step() != Step::Row) return -1;
  const auto v = q.value().integer(0);
  q.value().reset();
  return v;
}

// Version 1: server_id on every table; webhook_status keyed by server too.
std::string migrate_sqlite_to_1(Database& db, const std::string& server_id) {
  for (const char* table : {"results", "telemetry", "webhook_outbox"}) {
    if (has_column(db, table, "server_id")) continue;
    if (auto err = db.exec(std::string("ALTER TABLE ") + table + " ADD COLUMN server_id TEXT NOT NULL DEFAULT ''");
        !err.empty())
      return err;
  }
  for (const char* table : {"results", "telemetry", "webhook_outbox"}) {
    const auto sql = std::string("UPDATE ") + table + " SET server_id = ?1 WHERE server_id = ''";
    if (auto err = run_for_server(db, sql, server_id, "backfill server_id"); !err.empty()) return err;
  }
  if (!has_column(db, "webhook_status", "server_id")) {
    for (const char* sql : {"CREATE TABLE webhook_status_1 (server_id TEXT NOT NULL DEFAULT '', key TEXT NOT NULL, "
                            "value TEXT NOT NULL, PRIMARY KEY (server_id, key))",
                            "INSERT INTO webhook_status_1 (server_id, key, value) SELECT '', key, value FROM webhook_status",
                            "DROP TABLE webhook_status", "ALTER TABLE webhook_status_1 RENAME TO webhook_status"})
      if (auto err = db.exec(sql); !err.empty()) return err;
  }
  if (auto err = run_for_server(db, "UPDATE webhook_status SET server_id = ?1 WHERE server_id = ''", server_id,
                                "backfill webhook status");
      !err.empty())
    return err;
  return db.exec("PRAGMA user_version = 1");
}

}  // namespace

std::string ensure_schema(Database& db, const std::string& server_id) {
  if (db.dialect() == Dialect::Postgres) {
    return in_transaction(db, [&]() -> std::string {
      if (auto err = db.exec(kSchemaLock); !err.empty()) return err;
      return db.exec(kPostgresSchema);
    });
  }
  if (auto err = db.exec(kDatabaseSchema); !err.empty()) return err;
  if (user_version(db) < 1) {
    auto err = in_transaction(db, [&]() -> std::string {
      if (user_version(db) >= 1) return {};  // another connection was first
      return migrate_sqlite_to_1(db, server_id);
    });
    if (!err.empty()) return "cannot move the database to the current layout: " + err;
  }
  if (auto err = db.exec(kSqliteIndexes); !err.empty()) return err;
  // The box's own file is this server's, whatever it was called before (a
  // container's host name changes when it is made again): its waiting
  // webhook events and their status go on under this name.
  return in_transaction(db, [&]() -> std::string {
    for (const char* sql : {"UPDATE webhook_outbox SET server_id = ?1 WHERE server_id <> ?1",
                            "UPDATE OR IGNORE webhook_status SET server_id = ?1 WHERE server_id <> ?1",
                            "DELETE FROM webhook_status WHERE server_id <> ?1"})
      if (auto err = run_for_server(db, sql, server_id, "adopt the webhook events"); !err.empty()) return err;
    return {};
  });
}

}  // namespace bloatmeter::server
