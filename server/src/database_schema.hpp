#pragma once
// The server's one SQLite database (data_dir/bloatmeter.sqlite): results,
// telemetry rows and the webhook outbox. A result, its telemetry row and its
// webhook event are written in one transaction, so none exists without the
// others (docs/operator.md).
namespace bloatmeter::server {

inline constexpr const char* kDatabaseSchema = R"sql(
CREATE TABLE IF NOT EXISTS results (
  id            TEXT PRIMARY KEY,
  created_at    TEXT NOT NULL,
  client_ip     TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  overall       TEXT NOT NULL,
  summary_json  TEXT NOT NULL,
  document_json TEXT NOT NULL
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
  details_json   TEXT NOT NULL
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
  last_error        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS webhook_status (
  key   TEXT PRIMARY KEY,               -- dropped, delivered, failed_permanently, last_success_unix, last_failure_unix, last_failure
  value TEXT NOT NULL
);
)sql";

// Outbox bound: when this many events wait, the oldest is dropped (and
// counted in webhook_status 'dropped') to make room.
inline constexpr long long kWebhookOutboxMax = 10'000;

}  // namespace bloatmeter::server
