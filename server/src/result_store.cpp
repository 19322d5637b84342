#include "result_store.hpp"

#include "client_address.hpp"
#include "database_schema.hpp"
#include "database_setup.hpp"

namespace bloatmeter::server {

std::optional<IpKey> ip_key_of(const std::string& kept_address) {
  const auto p = parse_cidr(kept_address);
  if (!p) return std::nullopt;
  return IpKey{!p->v4, std::string(reinterpret_cast<const char*>(p->bytes.data()), p->v4 ? 4 : 16)};
}

Outcome<std::unique_ptr<ResultStore>> ResultStore::open(const DatabaseTarget& target, Retention retention) {
  using R = Outcome<std::unique_ptr<ResultStore>>;
  auto db = open_database(target);
  if (!db) return R::failure(db.error());
  if (auto err = ensure_schema(*db.value(), target.server_id); !err.empty())
    return R::failure("cannot prepare " + target.shown() + ": " + err);
  std::unique_ptr<ResultStore> store(new ResultStore(std::move(db).value(), retention, target.server_id));
  if (auto err = store->prepare_all(); !err.empty()) return R::failure(err);
  return R::success(std::move(store));
}

std::string ResultStore::prepare_all() {
  // Servers of a fleet trim the shared tables at once: on PostgreSQL each
  // skips the rows another is deleting (SKIP LOCKED) rather than wait for
  // it, which could deadlock and lose a test.
  const bool pg = db_->dialect() == Dialect::Postgres;
  return db_->prepare_all({
      {&insert_result_,
       "INSERT INTO results (id, created_at, client_ip, user_agent, overall, summary_json, document_json, server_id) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      // Keeps the newest rows: rowids (seq on PostgreSQL) grow with each insert.
      {&trim_results_,
       pg ? "DELETE FROM results WHERE seq IN (SELECT seq FROM results WHERE seq <= "
            "(SELECT seq FROM results ORDER BY seq DESC LIMIT 1 OFFSET ?1) ORDER BY seq LIMIT 500 "
            "FOR UPDATE SKIP LOCKED)"
          : "DELETE FROM results WHERE rowid <= (SELECT rowid FROM results ORDER BY rowid DESC LIMIT 1 OFFSET ?1)"},
      {&insert_telemetry_,
       "INSERT INTO telemetry (result_id, created_at, created_unix, client_kind, client_version, mode, plan, "
       "client_ip, ip_v6, ip_key, aborted, grade, baseline_ms, loaded_ms, increase_ms, download_mbps, upload_mbps, "
       "rpm, details_json, server_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
       "?16, ?17, ?18, ?19, ?20) RETURNING seq"},
      // Retention works in small steps (at most 500 rows a test), so a
      // lowered limit never stalls one submission; the rest goes with the
      // next ones.
      {&trim_telemetry_count_,
       pg ? "DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE seq <= "
            "(SELECT seq FROM telemetry ORDER BY seq DESC LIMIT 1 OFFSET ?1) ORDER BY seq LIMIT 500 "
            "FOR UPDATE SKIP LOCKED)"
          : "DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE seq <= "
            "(SELECT seq FROM telemetry ORDER BY seq DESC LIMIT 1 OFFSET ?1) ORDER BY seq LIMIT 500)"},
      {&trim_telemetry_age_,
       pg ? "DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE created_unix < ?1 ORDER BY seq "
            "LIMIT 500 FOR UPDATE SKIP LOCKED)"
          : "DELETE FROM telemetry WHERE seq IN (SELECT seq FROM telemetry WHERE created_unix < ?1 ORDER BY seq "
            "LIMIT 500)"},
      {&insert_event_,
       "INSERT INTO webhook_outbox (result_id, created_unix, body, next_attempt_unix, server_id) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&count_events_, "SELECT COUNT(*) FROM webhook_outbox WHERE server_id = ?1"},
      {&drop_oldest_event_,
       "DELETE FROM webhook_outbox WHERE seq = (SELECT MIN(seq) FROM webhook_outbox WHERE server_id = ?1)"},
      {&count_drop_,
       "INSERT INTO webhook_status (server_id, key, value) VALUES (?1, 'dropped', '1') "
       "ON CONFLICT (server_id, key) DO UPDATE SET value = CAST(CAST(webhook_status.value AS BIGINT) + 1 AS TEXT)"},
      {&find_, "SELECT id, created_at, document_json FROM results WHERE id = ?1"},
  });
}

std::string ResultStore::insert_rows(const NewResult& r, TelemetryRow& row, const std::string& event) {
  if (!insert_result_.fresh()
           .bind(1, r.id)
           .bind(2, r.created_at)
           .bind(3, r.client_ip)
           .bind(4, r.user_agent)
           .bind(5, r.overall)
           .bind(6, r.summary_json)
           .bind(7, r.document_json)
           .bind(8, server_id_)
           .run())
    return db_->error_text("insert result");
  if (!trim_results_.fresh().bind(1, static_cast<std::int64_t>(retention_.results)).run())
    return db_->error_text("trim results");

  auto& t = insert_telemetry_.fresh();
  t.bind(1, row.result_id).bind(2, row.created_at).bind(3, row.created_unix).bind(4, row.client_kind);
  t.bind(5, row.client_version).bind(6, row.mode).bind(7, row.plan).bind(8, row.client_ip);
  if (const auto key = ip_key_of(row.client_ip)) {
    t.bind(9, key->v6 ? 1 : 0).bind_blob(10, key->bytes.data(), key->bytes.size());
  } else {
    t.bind_null(9).bind_null(10);
  }
  t.bind(11, row.aborted ? 1 : 0).bind(12, row.grade).bind(13, row.baseline_ms).bind(14, row.loaded_ms);
  t.bind(15, row.increase_ms).bind(16, row.download_mbps).bind(17, row.upload_mbps).bind(18, row.rpm);
  t.bind(19, row.details.dump()).bind(20, server_id_);
  if (t.step() != Step::Row) return db_->error_text("insert telemetry");
  row.seq = t.integer(0);
  row.server_id = server_id_;
  if (!t.run()) return db_->error_text("insert telemetry");
  // By age first: expired rows must not use up the count's places.
  if (!trim_telemetry_age_.fresh().bind(1, row.created_unix - retention_.telemetry_max_age_s).run())
    return db_->error_text("trim telemetry by age");
  if (!trim_telemetry_count_.fresh().bind(1, static_cast<std::int64_t>(retention_.telemetry_rows)).run())
    return db_->error_text("trim telemetry");

  if (!event.empty()) {
    // A full outbox drops its oldest event (counted), never the new one and
    // never the test: the receiver has been away for a long time.
    auto& count = count_events_.fresh().bind(1, server_id_);
    if (count.step() != Step::Row) return db_->error_text("count webhook events");
    const std::int64_t waiting = count.integer(0);
    count.reset();
    for (std::int64_t i = waiting; i >= kWebhookOutboxMax; --i) {
      if (!drop_oldest_event_.fresh().bind(1, server_id_).run() || !count_drop_.fresh().bind(1, server_id_).run())
        return db_->error_text("drop event");
    }
    const auto first_attempt = static_cast<double>(row.created_unix);
    if (!insert_event_.fresh()
             .bind(1, row.result_id)
             .bind(2, row.created_unix)
             .bind(3, event)
             .bind(4, first_attempt)
             .bind(5, server_id_)
             .run())
      return db_->error_text("insert webhook event");
  }
  return {};
}

std::string ResultStore::insert(const NewResult& r, TelemetryRow& row, const std::string& event) {
  return in_transaction(*db_, [&] { return insert_rows(r, row, event); });
}

Outcome<std::optional<StoredResult>> ResultStore::find(std::string_view id) {
  using R = Outcome<std::optional<StoredResult>>;
  auto& q = find_.fresh().bind(1, id);
  const Step rc = q.step();
  if (rc != Step::Row) {
    q.reset();
    if (rc == Step::Done) return R::success(std::nullopt);
    return R::failure(db_->error_text("find"));
  }
  StoredResult out{q.text(0), q.text(1), q.text(2)};
  q.reset();
  return R::success(std::move(out));
}

}  // namespace bloatmeter::server
