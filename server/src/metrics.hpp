#pragma once
// The server's Prometheus figures (GET /metrics, docs/operator.md
// "Metrics"). Sessions and the results thread write relaxed atomics, never a
// lock; a scrape reads them and the database cache, so it never waits for a
// test and a test never waits for a scrape. Database figures are counted on
// a thread of their own, with a read-only connection, at most once a second
// and only when asked (a scrape, a stored result).
#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "database_target.hpp"
#include "http_types.hpp"
#include "value_histogram.hpp"

namespace bloatmeter::server {

struct ServerContext;
class Database;

enum class SessionKind { Probe, Download, Upload, Household };
inline constexpr std::size_t kSessionKinds = 4;

// The rows, file size and webhook figures of the database, as of the last
// refresh. Written by the refresh thread only.
class DatabaseGauges {
 public:
  explicit DatabaseGauges(DatabaseTarget target) : target_(std::move(target)) {}
  ~DatabaseGauges();
  DatabaseGauges(const DatabaseGauges&) = delete;
  DatabaseGauges& operator=(const DatabaseGauges&) = delete;

  // Counts again, on the refresh thread, unless a count is already queued
  // or the last one is under a second old. Never waits.
  void refresh_soon();

  std::atomic<bool> known{false};  // false until the first count succeeded
  std::atomic<std::int64_t> results_rows{0}, telemetry_rows{0}, outbox_rows{0};
  std::atomic<std::int64_t> webhook_delivered{0}, webhook_failed{0}, webhook_dropped{0};
  std::atomic<std::uint64_t> file_bytes{0};  // the database and its write-ahead log (PostgreSQL: its size)

 private:
  void refresh();  // on the refresh thread
  const DatabaseTarget target_;
  std::unique_ptr<Database> db_;  // the refresh thread's own
  std::atomic<bool> pending_{false};
  std::atomic<std::int64_t> last_refresh_ms_{-1'000'000};
  net::thread_pool thread_{1};  // last: joined first, before what its jobs use goes
};

class Metrics {
 public:
  explicit Metrics(const DatabaseTarget& database_target) : database(database_target) {}

  // What a stored result adds to the distributions: its telemetry figures
  // (the deciding phase's median increase, the throughput both ways).
  struct ResultFigures {
    std::optional<double> increase_ms, download_mbps, upload_mbps;
  };
  // A result stored by POST /api/results: its mode ("single", "household"),
  // the server's grade ("" for none) and its figures (an aborted test's are
  // not counted: its phases did not all run).
  void count_result(std::string_view mode, std::string_view grade, bool aborted, const ResultFigures& figures = {});
  // Payload bytes of the WebSocket load streams (single-user and household).
  void add_sent(std::uint64_t bytes) { sent_bytes_.fetch_add(bytes, std::memory_order_relaxed); }
  void add_received(std::uint64_t bytes) { received_bytes_.fetch_add(bytes, std::memory_order_relaxed); }

  // Counts a session as active for its lifetime (a member of each session).
  class ActiveSession {
   public:
    ActiveSession(Metrics& m, SessionKind kind);
    ~ActiveSession();
    ActiveSession(const ActiveSession&) = delete;
    ActiveSession& operator=(const ActiveSession&) = delete;

   private:
    Metrics& m_;
    std::size_t kind_;
  };

  // The exposition text (format 0.0.4) of everything the server counts.
  std::string render(const ServerContext& ctx) const;

  DatabaseGauges database;

 private:
  static constexpr std::size_t kModes = 2;   // single, household
  static constexpr std::size_t kGrades = 7;  // A+ A B C D F, none
  std::array<std::atomic<std::uint64_t>, kModes * kGrades> completed_{};
  std::array<std::atomic<std::uint64_t>, kModes> aborted_{};
  std::array<std::atomic<std::int64_t>, kSessionKinds> active_{};
  std::array<std::atomic<std::uint64_t>, kSessionKinds> started_{};
  std::atomic<std::uint64_t> sent_bytes_{0}, received_bytes_{0};
  // Bounds at the grade table's edges (A+ below 5 ms ... F from 400 ms), so
  // the buckets read as grades.
  ValueHistogram<5> increase_seconds_{{0.005, 0.03, 0.06, 0.2, 0.4}};
  // Bounds at common plan speeds, 1 Mbit/s to 10 Gbit/s, in bytes per second
  // (Prometheus's base unit).
  static constexpr std::array<double, 10> kThroughputBounds{125e3,   625e3,   1.25e6, 3.125e6, 6.25e6,
                                                            12.5e6, 31.25e6, 62.5e6, 125e6,   1.25e9};
  ValueHistogram<10> download_bytes_per_second_{kThroughputBounds}, upload_bytes_per_second_{kThroughputBounds};
};

// GET|HEAD /metrics, behind metrics_token when it is set.
http::response<http::string_body> metrics_response(const Request& req, ServerContext& ctx);

}  // namespace bloatmeter::server
