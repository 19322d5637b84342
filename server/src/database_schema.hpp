#pragma once
// The server's database: results, telemetry rows and the webhook outbox,
// in the box's own SQLite file (data_dir/bloatmeter.sqlite) or a fleet's
// shared PostgreSQL database. A result, its telemetry row and its webhook
// event are written in one transaction, so none exists without the others
// (docs/operator.md). Every row names the server that wrote it
// (server_id): in a fleet, each server sends only its own webhook events
// and keeps its own webhook status. database_setup.cpp creates the tables
// and moves older SQLite files to this layout.
namespace bloatmeter::server {

// SQLite: the tables as a new file gets them. The server_id indexes come
// after the migration (kSqliteIndexes): an older file gains the column
// there first.
inline constexpr const char* kDatabaseSchema = R"sql(
CREATE TABLE IF NOT EXISTS results (
  id            TEXT PRIMARY KEY,
  created_at    TEXT NOT NULL,
  client_ip     TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  overall       TEXT NOT NULL,
  summary_json  TEXT NOT NULL,
  document_json TEXT NOT NULL,
  server_id     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS telemetry (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  result_id      TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  created_unix   INTEGER NOT NULL,
  client_kind    TEXT NOT NULL,
  client_version TEXT NOT NULL,
  mode           TEXT NOT NULL,
  plan           TEXT NOT NULL,
  client_ip      TEXT NOT NULL,
  ip_v6          INTEGER,          -- NULL when no address is kept
  ip_key         BLOB,             -- the address's bytes (4 or 16), for prefix searches
  aborted        INTEGER NOT NULL,
  grade          TEXT NOT NULL,
  baseline_ms    REAL,
  loaded_ms      REAL,
  increase_ms    REAL,
  download_mbps  REAL,
  upload_mbps    REAL,
  rpm            REAL,
  details_json   TEXT NOT NULL,
  server_id      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS telemetry_by_time ON telemetry (created_unix);
CREATE INDEX IF NOT EXISTS telemetry_by_ip ON telemetry (ip_v6, ip_key);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  result_id         TEXT NOT NULL,
  created_unix      INTEGER NOT NULL,
  body              TEXT NOT NULL,      -- the event, exactly as it is posted
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_unix REAL NOT NULL,
  last_error        TEXT NOT NULL DEFAULT '',
  server_id         TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS webhook_status (
  server_id TEXT NOT NULL DEFAULT '',
  key       TEXT NOT NULL,              -- dropped, delivered, failed_permanently, last_success_unix, last_failure_unix, last_failure
  value     TEXT NOT NULL,
  PRIMARY KEY (server_id, key)
);
)sql";

inline constexpr const char* kSqliteIndexes = R"sql(
CREATE INDEX IF NOT EXISTS telemetry_by_server ON telemetry (server_id, seq);
CREATE INDEX IF NOT EXISTS webhook_outbox_by_server ON webhook_outbox (server_id, seq);
)sql";

// PostgreSQL: the same tables. Numbers that SQLite keeps as REAL are
// DOUBLE PRECISION (PostgreSQL's REAL has 6 digits); results get a seq of
// their own (PostgreSQL has no rowid) for retention.
inline constexpr const char* kPostgresSchema = R"sql(
CREATE TABLE IF NOT EXISTS results (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id            TEXT PRIMARY KEY,
  created_at    TEXT NOT NULL,
  client_ip     TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  overall       TEXT NOT NULL,
  summary_json  TEXT NOT NULL,
  document_json TEXT NOT NULL,
  server_id     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS telemetry (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  result_id      TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  created_unix   BIGINT NOT NULL,
  client_kind    TEXT NOT NULL,
  client_version TEXT NOT NULL,
  mode           TEXT NOT NULL,
  plan           TEXT NOT NULL,
  client_ip      TEXT NOT NULL,
  ip_v6          SMALLINT,
  ip_key         BYTEA,
  aborted        SMALLINT NOT NULL,
  grade          TEXT NOT NULL,
  baseline_ms    DOUBLE PRECISION,
  loaded_ms      DOUBLE PRECISION,
  increase_ms    DOUBLE PRECISION,
  download_mbps  DOUBLE PRECISION,
  upload_mbps    DOUBLE PRECISION,
  rpm            DOUBLE PRECISION,
  details_json   TEXT NOT NULL,
  server_id      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS telemetry_by_time ON telemetry (created_unix);
CREATE INDEX IF NOT EXISTS telemetry_by_ip ON telemetry (ip_v6, ip_key);
CREATE INDEX IF NOT EXISTS telemetry_by_server ON telemetry (server_id, seq);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  result_id         TEXT NOT NULL,
  created_unix      BIGINT NOT NULL,
  body              TEXT NOT NULL,
  attempts          BIGINT NOT NULL DEFAULT 0,
  next_attempt_unix DOUBLE PRECISION NOT NULL,
  last_error        TEXT NOT NULL DEFAULT '',
  server_id         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS webhook_outbox_by_server ON webhook_outbox (server_id, seq);
CREATE TABLE IF NOT EXISTS webhook_status (
  server_id TEXT NOT NULL DEFAULT '',
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (server_id, key)
);
)sql";

// Outbox bound: when this many events of one server wait, its oldest is
// dropped (and counted in webhook_status 'dropped') to make room.
inline constexpr long long kWebhookOutboxMax = 10'000;

}  // namespace bloatmeter::server
