#include "webhook_status.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>

#include "database_schema.hpp"

namespace bloatmeter::server {
namespace {

nlohmann::json iso8601_or_null(const nlohmann::json& unix_time) {
  if (!unix_time.is_number()) return nullptr;
  const std::time_t t = unix_time.get<std::time_t>();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

Outcome<nlohmann::json> webhook_status(Database& reader, const std::string& server_id) {
  using R = Outcome<nlohmann::json>;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  nlohmann::json out{{"queue_depth", 0},
                     {"outbox_max", kWebhookOutboxMax},
                     {"oldest_waiting_age_s", nullptr},
                     {"next_attempt_in_s", nullptr},
                     {"oldest_attempts", 0},
                     {"oldest_last_error", ""},
                     {"delivered", 0},
                     {"dropped", 0},
                     {"failed_permanently", 0},
                     {"last_success_unix", nullptr},
                     {"last_failure_unix", nullptr},
                     {"last_failure_reason", nullptr}};

  // One read transaction: the queue and the totals agree with each other.
  if (auto err = reader.exec(reader.dialect() == Dialect::Postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                                                     : "BEGIN");
      !err.empty())
    return R::failure(err);
  auto fail = [&](const char* what) {
    const auto why = reader.error_text(what);
    reader.exec("ROLLBACK");
    return R::failure(why);
  };
  auto queue = reader.prepare(
      "SELECT COUNT(*), MIN(created_unix), "
      "(SELECT attempts FROM webhook_outbox WHERE server_id = ?1 ORDER BY seq LIMIT 1), "
      "(SELECT next_attempt_unix FROM webhook_outbox WHERE server_id = ?1 ORDER BY seq LIMIT 1), "
      "(SELECT last_error FROM webhook_outbox WHERE server_id = ?1 ORDER BY seq LIMIT 1) "
      "FROM webhook_outbox WHERE server_id = ?1");
  if (!queue) return fail("webhook queue");
  auto& q = queue.value();
  q.bind(1, server_id);
  if (q.step() != Step::Row) return fail("webhook queue");
  out["queue_depth"] = q.integer(0);
  if (q.integer(0) > 0) {
    out["oldest_waiting_age_s"] = std::max(0.0, now - static_cast<double>(q.integer(1)));
    out["oldest_attempts"] = q.integer(2);
    out["next_attempt_in_s"] = std::max(0.0, q.real(3).value_or(now) - now);
    out["oldest_last_error"] = q.text(4);
  }
  q.reset();

  auto totals = reader.prepare("SELECT key, value FROM webhook_status WHERE server_id = ?1");
  if (!totals) return fail("webhook status");
  auto& t = totals.value();
  t.bind(1, server_id);
  Step rc;
  while ((rc = t.step()) == Step::Row) {
    const std::string key = t.text(0);
    if (key == "last_failure") out["last_failure_reason"] = t.text(1);
    else if (out.contains(key)) out[key] = t.integer(1);
  }
  t.reset();
  if (rc != Step::Done) return fail("webhook status");
  reader.exec("COMMIT");
  out["last_success"] = iso8601_or_null(out["last_success_unix"]);
  out["last_failure"] = iso8601_or_null(out["last_failure_unix"]);
  return R::success(std::move(out));
}

}  // namespace bloatmeter::server
