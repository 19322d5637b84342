#include "webhook_sender.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "bloatmeter/version.hpp"
#include "database_schema.hpp"
#include "database_setup.hpp"
#include "server_log.hpp"
#include "webhook_signature.hpp"

namespace bloatmeter::server {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// 2xx delivered; 4xx refused for good, except 408 (timeout) and 429 (too
// many requests), which ask to come back later; the rest (5xx, no answer)
// is retried.
enum class Verdict { Delivered, Permanent, Retry };
Verdict verdict_of(int status) {
  if (status >= 200 && status < 300) return Verdict::Delivered;
  if (status >= 400 && status < 500 && status != 408 && status != 429) return Verdict::Permanent;
  return Verdict::Retry;
}

std::string describe(const WebhookReply& reply) {
  return reply.status ? "HTTP " + std::to_string(reply.status) + " from the receiver" : reply.error;
}

}  // namespace

double webhook_retry_delay_seconds(int failures, double initial_seconds, double jitter) {
  const double doubled = initial_seconds * std::pow(2.0, std::clamp(failures - 1, 0, 60));
  return std::min(doubled, kWebhookRetryCapSeconds) * jitter;
}

Outcome<std::unique_ptr<WebhookSender>> WebhookSender::start(WebhookSenderOptions options,
                                                             WebhookCounters& counters) {
  using R = Outcome<std::unique_ptr<WebhookSender>>;
  auto target = parse_webhook_url(options.url);
  if (!target) return R::failure(target.error());
  auto db = open_database(options.database);
  if (!db) return R::failure("webhook sender: " + db.error());
  // The results store made these already; a sender on its own (tests) too.
  if (auto err = ensure_schema(*db.value(), options.database.server_id); !err.empty())
    return R::failure("webhook sender: " + err);
  std::unique_ptr<WebhookSender> sender(
      new WebhookSender(std::move(options), std::move(target).value(), std::move(db).value(), counters));
  if (auto err = sender->prepare_all(); !err.empty()) return R::failure("webhook sender: " + err);

  auto& tls = sender->tls_;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  tls.set_default_verify_paths(ec);
  if (ec) return R::failure("webhook sender: cannot load the system's CA certificates: " + ec.message());
  tls.set_verify_mode(ssl::verify_peer);

  counters.enabled = true;
  sender->refresh_counters();
  auto* self = sender.get();
  net::post(self->ioc_, [self] { self->poll(); });
  self->thread_ = std::thread([self] {
    for (;;) {
      try {
        self->ioc_.run();
        return;
      } catch (const std::exception& e) {
        log_event(LogLevel::Error, "webhook", std::string("a handler failed: ") + e.what());
      }
    }
  });
  return R::success(std::move(sender));
}

WebhookSender::WebhookSender(WebhookSenderOptions options, WebhookTarget target, std::unique_ptr<Database> db,
                             WebhookCounters& counters)
    : options_(std::move(options)), target_(std::move(target)), db_(std::move(db)), counters_(counters) {}

WebhookSender::~WebhookSender() { stop(); }

// This server's statement, its server_id bound at `index`: in a fleet's
// shared database each server sends its own events only, so each
// receiver sees every event once and in order.
Statement& WebhookSender::mine(Statement& statement, int index) {
  return statement.fresh().bind(index, options_.database.server_id);
}

std::string WebhookSender::prepare_all() {
  return db_->prepare_all({
      {&head_,
       "SELECT seq, created_unix, attempts, next_attempt_unix, last_error, body FROM webhook_outbox "
       "WHERE server_id = ?1 ORDER BY seq LIMIT 1"},
      {&delete_, "DELETE FROM webhook_outbox WHERE seq = ?1"},
      {&retry_, "UPDATE webhook_outbox SET attempts = ?2, next_attempt_unix = ?3, last_error = ?4 WHERE seq = ?1"},
      {&bump_,
       "INSERT INTO webhook_status (server_id, key, value) VALUES (?2, ?1, '1') "
       "ON CONFLICT (server_id, key) DO UPDATE SET value = CAST(CAST(webhook_status.value AS BIGINT) + 1 AS TEXT)"},
      {&set_,
       "INSERT INTO webhook_status (server_id, key, value) VALUES (?3, ?1, ?2) "
       "ON CONFLICT (server_id, key) DO UPDATE SET value = excluded.value"},
      {&depth_, "SELECT COUNT(*) FROM webhook_outbox WHERE server_id = ?1"},
      {&totals_,
       "SELECT key, CAST(value AS BIGINT) FROM webhook_status "
       "WHERE server_id = ?1 AND key IN ('delivered', 'failed_permanently', 'dropped')"},
  });
}

void WebhookSender::nudge() {
  net::post(ioc_, [this] { poll(); });
}

void WebhookSender::stop() {
  std::call_once(stopped_, [this] {
    // Abandons the timer and any attempt in flight (their handlers are
    // destroyed with ioc_, closing the socket); the event stays queued.
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
    counters_.enabled = false;
  });
}

void WebhookSender::wait(std::chrono::steady_clock::duration delay) {
  // Moving the expiry cancels the wait before it: one poll is ever pending.
  timer_.expires_after(delay);
  timer_.async_wait([this](beast::error_code ec) {
    if (!ec) poll();
  });
}

// Sender thread. Looks at the oldest waiting event only: later ones wait
// behind it, so they reach the receiver in order.
void WebhookSender::poll() {
  if (sending_) return;
  refresh_counters();
  auto& head = mine(head_, 1);
  const Step rc = head.step();
  if (rc != Step::Row) {
    head.reset();
    if (rc != Step::Done) log_event(LogLevel::Error, "webhook", db_->error_text("read the outbox"));
    return wait(options_.poll_interval);
  }
  const std::int64_t seq = head.integer(0);
  const std::int64_t created = head.integer(1);
  const auto attempts = static_cast<int>(head.integer(2));
  const double next_attempt = head.real(3).value_or(0);
  const std::string last_error = head.text(4);
  std::string body = head.text(5);
  head.reset();

  const double now = unix_now();
  if (now - static_cast<double>(created) > static_cast<double>(options_.give_up_after.count())) {
    const std::string why = "not delivered within " + std::to_string(options_.give_up_after.count() / 3600) +
                            " h" + (last_error.empty() ? "" : " (last error: " + last_error + ")");
    if (auto err = in_transaction(*db_, [&] { return give_up(seq, why, now); }); !err.empty()) {
      log_event(LogLevel::Error, "webhook", err);
      return wait(options_.poll_interval);
    }
    return poll();
  }
  if (next_attempt > now) {
    const auto due = std::chrono::duration<double>(next_attempt - now);
    return wait(std::min(std::chrono::duration_cast<std::chrono::steady_clock::duration>(due),
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.poll_interval)));
  }
  send(seq, attempts, std::move(body));
}

void WebhookSender::send(std::int64_t seq, int attempts, std::string body) {
  sending_ = true;
  const auto now = static_cast<std::int64_t>(unix_now());
  const auto signatures = sign_webhook(options_.secret, body, now);
  http::request<http::string_body> req{http::verb::post, target_.target, 11};
  req.set(http::field::host, target_.host_header);
  req.set(http::field::user_agent, std::string("bloatmeter/") + kVersion);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::connection, "close");
  req.set("X-LibreQoS-Signature", signatures.libreqos);
  req.set("X-Bloatmeter-Signature", signatures.bloatmeter);
  req.body() = std::move(body);
  req.prepare_payload();
  auto post = std::make_shared<WebhookPost>(ioc_, tls_, target_);
  // The row may be dropped (full outbox) or erased (a customer's data)
  // meanwhile: then its update or deletion touches nothing.
  post->run(std::move(req), options_.request_timeout, [this, seq, attempts](WebhookReply reply) {
    sending_ = false;
    // When the outcome could not be written, a pause: no hot loop of sends.
    if (record(seq, attempts, reply)) poll();
    else wait(options_.poll_interval);
  });
}

bool WebhookSender::record(std::int64_t seq, int attempts, const WebhookReply& reply) {
  const double now = unix_now();
  const auto err = in_transaction(*db_, [&] { return write_outcome(seq, attempts, reply, now); });
  if (!err.empty()) log_event(LogLevel::Error, "webhook", "could not record a delivery attempt: " + err);
  return err.empty();
}

// Inside a transaction.
std::string WebhookSender::write_outcome(std::int64_t seq, int attempts, const WebhookReply& reply, double now) {
  const auto stamp = std::to_string(static_cast<std::int64_t>(now));
  switch (verdict_of(reply.status)) {
    case Verdict::Delivered:
      if (!delete_.fresh().bind(1, seq).run() || !mine(bump_, 2).bind(1, "delivered").run() ||
          !mine(set_, 3).bind(1, "last_success_unix").bind(2, stamp).run())
        return db_->error_text("record a delivery");
      if (attempts > 0) log_event(LogLevel::Info, "webhook", "delivered after " + std::to_string(attempts + 1) + " attempts");
      return {};
    case Verdict::Permanent:
      return give_up(seq, describe(reply) + ", not retried", now);
    case Verdict::Retry: break;
  }
  const int failures = attempts + 1;
  const std::string why = describe(reply);
  thread_local std::mt19937 rng{std::random_device{}()};
  const double jitter = std::uniform_real_distribution<double>(0.8, 1.2)(rng);
  const double delay = webhook_retry_delay_seconds(
      failures, std::chrono::duration<double>(options_.retry_initial).count(), jitter);
  ++counters_.failed_attempts;
  if (!retry_.fresh().bind(1, seq).bind(2, failures).bind(3, now + delay).bind(4, why).run() ||
      !mine(set_, 3).bind(1, "last_failure_unix").bind(2, stamp).run() ||
      !mine(set_, 3).bind(1, "last_failure").bind(2, why + " (will retry)").run())
    return db_->error_text("record a failed attempt");
  char in[32];
  std::snprintf(in, sizeof in, "%.1f", delay);
  log_event(LogLevel::Warning, "webhook",
            "event " + std::to_string(seq) + " not delivered: " + why + "; attempt " + std::to_string(failures) +
                ", next in " + in + " s");
  return {};
}

// Removes an event for good, counted, with the reason kept for the status.
std::string WebhookSender::give_up(std::int64_t seq, const std::string& reason, double now) {
  if (!delete_.fresh().bind(1, seq).run() || !mine(bump_, 2).bind(1, "failed_permanently").run() ||
      !mine(set_, 3).bind(1, "last_failure_unix").bind(2, std::to_string(static_cast<std::int64_t>(now))).run() ||
      !mine(set_, 3).bind(1, "last_failure").bind(2, reason).run())
    return db_->error_text("record a permanent failure");
  log_event(LogLevel::Error, "webhook", "event " + std::to_string(seq) + " given up: " + reason);
  return {};
}

void WebhookSender::refresh_counters() {
  auto& depth = mine(depth_, 1);
  if (depth.step() == Step::Row) counters_.queue_depth = depth.integer(0);
  depth.reset();
  auto& totals = mine(totals_, 1);
  while (totals.step() == Step::Row) {
    const std::string key = totals.text(0);
    auto& counter = key == "delivered" ? counters_.delivered
                    : key == "dropped" ? counters_.dropped
                                       : counters_.failed_permanently;
    counter = totals.integer(1);
  }
  totals.reset();
}

}  // namespace bloatmeter::server
