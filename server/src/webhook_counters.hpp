#pragma once
// The webhook sender's figures for /metrics: written by the sender's thread
// only, read lock-free by anyone (a scrape never waits for the sender).
// They mirror the database (webhook_outbox, webhook_status) after every
// poll, so they carry the counts of earlier runs too.
#include <atomic>
#include <cstdint>

namespace bloatmeter::server {

struct WebhookCounters {
  std::atomic<bool> enabled{false};                 // webhook_url is set and the sender runs
  std::atomic<std::int64_t> queue_depth{0};         // events waiting in the outbox
  std::atomic<std::int64_t> delivered{0};           // answered 2xx
  std::atomic<std::int64_t> failed_permanently{0};  // 4xx (not 408/429), or not delivered within 24 h
  std::atomic<std::int64_t> dropped{0};             // pushed out of a full outbox
  std::atomic<std::int64_t> failed_attempts{0};     // attempts that will be retried (this run only)
};

}  // namespace bloatmeter::server
