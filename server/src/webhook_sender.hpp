#pragma once
// The background sender of webhook events (docs/operator.md, "Webhooks").
// The results thread writes each event into webhook_outbox in the result's
// own transaction; this sender, on a thread, io_context and SQLite
// connection of its own, posts them oldest first, one at a time (a receiver
// sees events in seq order), and removes each once it is delivered or
// permanently refused. Nothing else ever waits for it: a slow or absent
// receiver costs a test nothing, and the outbox on disk carries undelivered
// events across restarts and crashes.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bloatmeter/outcome.hpp"
#include "http_types.hpp"
#include "database.hpp"
#include "database_target.hpp"
#include "webhook_counters.hpp"
#include "webhook_post.hpp"
#include "webhook_url.hpp"

namespace bloatmeter::server {

struct WebhookSenderOptions {
  std::string url;
  std::string secret;
  DatabaseTarget database;  // where the outbox is, and whose events to send
  // The first retry's delay; each further one doubles it, up to
  // kWebhookRetryCap (webhook_retry_initial_ms).
  std::chrono::milliseconds retry_initial{1000};
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::seconds request_timeout{10};
  std::chrono::seconds give_up_after{24 * 3600};
};

inline constexpr double kWebhookRetryCapSeconds = 600;

// The delay before the next attempt after `failures` failed ones (>= 1):
// initial * 2^(failures-1), capped at kWebhookRetryCapSeconds, then scaled
// by `jitter` (0.8 to 1.2), so receivers coming back are not hit by every
// server at the same moment.
double webhook_retry_delay_seconds(int failures, double initial_seconds, double jitter);

class WebhookSender {
 public:
  // Opens the sender's own database connection and starts its thread.
  static Outcome<std::unique_ptr<WebhookSender>> start(WebhookSenderOptions options, WebhookCounters& counters);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Thread-safe, never waits: look at the outbox now (an event was stored)
  // instead of at the next poll.
  void nudge();
  // Thread-safe and idempotent: abandons the attempt in flight (the event
  // stays in the outbox) and joins the thread.
  void stop();

 private:
  WebhookSender(WebhookSenderOptions options, WebhookTarget target, std::unique_ptr<Database> db,
                WebhookCounters& counters);
  std::string prepare_all();
  Statement& mine(Statement& statement, int index);
  void poll();
  void wait(std::chrono::steady_clock::duration delay);
  void send(std::int64_t seq, int attempts, std::string body);
  bool record(std::int64_t seq, int attempts, const WebhookReply& reply);
  std::string write_outcome(std::int64_t seq, int attempts, const WebhookReply& reply, double now);
  std::string give_up(std::int64_t seq, const std::string& reason, double now);
  void refresh_counters();

  WebhookSenderOptions options_;
  WebhookTarget target_;
  std::unique_ptr<Database> db_;
  Statement head_, delete_, retry_, bump_, set_, depth_, totals_;
  WebhookCounters& counters_;
  ssl::context tls_{ssl::context::tls_client};  // declared before ioc_: outlives every attempt
  net::io_context ioc_{1};
  net::executor_work_guard<net::io_context::executor_type> work_{ioc_.get_executor()};
  net::steady_timer timer_{ioc_};
  bool sending_ = false;  // an attempt is in flight (sender thread only)
  std::once_flag stopped_;
  std::thread thread_;
};

}  // namespace bloatmeter::server
