#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "client_limits.hpp"
#include "rrul_registry.hpp"
#include "echo_delay_record.hpp"
#include "household_stats.hpp"
#include "http_types.hpp"
#include "metrics.hpp"
#include "random_pool.hpp"
#include "responses.hpp"
#include "restart_notice.hpp"
#include "server_options.hpp"
#include "udp_counters.hpp"
#include "webhook_counters.hpp"

namespace bloatmeter::server {

class ResultStore;
class WebhookSender;
class TelemetryReader;
class TelemetryAuth;
class UdpResponder;

// What every session may read: the options and the server's counters.
// Nothing here is mutable except atomics, so sessions never contend. The
// pointers are set by Server::start() before the first connection and never
// change afterwards.
struct ServerContext {
  explicit ServerContext(ServerOptions opts)
      : options(std::move(opts)),
        started(std::chrono::steady_clock::now()),
        plain_headers(header_policy(options.settings.allowed_origins, options.settings.connect_origins, false)),
        tls_headers(header_policy(options.settings.allowed_origins, options.settings.connect_origins, true)) {}

  ServerOptions options;
  std::chrono::steady_clock::time_point started;
  std::filesystem::path web_root;  // canonical
  std::atomic<int> active_connections{0};
  const HeaderPolicy plain_headers;  // what every response carries, by listener
  const HeaderPolicy tls_headers;
  // POST /api/results from its header to its answer (SubmissionSlot).
  std::atomic<int> submissions_in_flight{0};
  ClientLimits limits{options.settings};  // connections, tests, submissions per address
  RestartNotice restart_notice;           // the probe lanes to close with 1012 when a drain ends
  RrulRegistry rrul;                      // RRUL tests running (POST /api/rrul), their lanes join them

  const RandomPool pool{kRandomPoolBytes};  // bytes for every load stream
  EchoDelayRecord echo_delays;              // probe lanes write, health reads
  HouseholdState household;                 // household sessions write, its endpoints read
  Metrics metrics{database_target(options)};  // everyone counts, /metrics reads

  // Probe lanes run here, on an I/O thread of their own, so bulk traffic on
  // the main threads can never delay an echo. Null: use the main threads.
  net::io_context* probe_io = nullptr;

  // Result storage and the one thread it runs on (SQLite and JSON work stay
  // off the I/O threads).
  ResultStore* results = nullptr;
  net::any_io_executor results_executor;

  // The webhook sender's figures (/metrics), and the sender itself, to
  // nudge once an event is stored (null when no webhook_url is set).
  WebhookCounters webhooks;
  WebhookSender* webhook_sender = nullptr;

  // The operator's API: its reader, its key check and the one thread both
  // run on (telemetry_routes.hpp).
  TelemetryReader* telemetry = nullptr;
  TelemetryAuth* telemetry_auth = nullptr;
  net::any_io_executor telemetry_executor;

  // The UDP probe lane's responder, on a thread of its own (null when
  // udp_port is 0), and its figures for /metrics.
  UdpResponder* udp = nullptr;
  UdpCounters udp_counters;

  double uptime_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  std::uint64_t uptime_ms() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  }
};

// The server's monotonic clock on the wire (protocol.md: µs, arbitrary epoch).
inline std::int64_t steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Holds one of the max_concurrent_submissions places from a submission's
// header to its answer, so bodies being read, queued and stored are bounded
// together (each may be 8 MiB). Empty when the server was full.
class SubmissionSlot {
 public:
  static std::optional<SubmissionSlot> take(ServerContext& ctx) {
    if (++ctx.submissions_in_flight > ctx.options.settings.max_concurrent_submissions) {
      --ctx.submissions_in_flight;
      return std::nullopt;
    }
    return SubmissionSlot(ctx);
  }
  SubmissionSlot(SubmissionSlot&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
  SubmissionSlot& operator=(SubmissionSlot&& other) noexcept {
    release();
    ctx_ = std::exchange(other.ctx_, nullptr);
    return *this;
  }
  ~SubmissionSlot() { release(); }

 private:
  explicit SubmissionSlot(ServerContext& ctx) : ctx_(&ctx) {}
  void release() {
    if (ctx_) --ctx_->submissions_in_flight;
    ctx_ = nullptr;
  }
  ServerContext* ctx_;
};

// Counts a connection for its lifetime (RAII member of each session), in
// all and for its client's address (client_limits.hpp).
class ConnectionCount {
 public:
  ConnectionCount(ServerContext& ctx, std::string limit_key)
      : ctx_(ctx), counted_(ctx.limits, std::move(limit_key)) {
    ++ctx_.active_connections;
  }
  ~ConnectionCount() { --ctx_.active_connections; }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;
  // Why this connection is one too many, or "".
  const std::string& over_limit() const { return counted_.over_limit(); }

 private:
  ServerContext& ctx_;
  ClientLimits::Connection counted_;
};

}  // namespace bloatmeter::server
