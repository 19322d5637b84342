#include "metrics.hpp"

#include <chrono>
#include <cstdio>

#include "bloatmeter/version.hpp"
#include "responses.hpp"
#include "server_context.hpp"
#include "server_log.hpp"
#include "database_target.hpp"
#include "telemetry_auth.hpp"

namespace bloatmeter::server {
namespace {

constexpr std::array<std::string_view, 2> kModeNames{"single", "household"};
constexpr std::array<std::string_view, 7> kGradeNames{"A+", "A", "B", "C", "D", "F", "none"};
constexpr std::array<std::string_view, kSessionKinds> kSessionNames{"probe", "download", "upload", "household"};

std::size_t mode_index(std::string_view mode) { return mode == "household" ? 1 : 0; }

std::size_t grade_index(std::string_view grade) {
  for (std::size_t i = 0; i + 1 < kGradeNames.size(); ++i)
    if (kGradeNames[i] == grade) return i;
  return kGradeNames.size() - 1;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One query's single integer, `parameter` bound to its ?1 when given;
// nothing on error.
std::optional<std::int64_t> count_of(Database& db, const std::string& sql,
                                     const std::optional<std::string>& parameter = std::nullopt) {
  auto q = db.prepare(sql);
  if (!q) return std::nullopt;
  auto& statement = q.value();
  if (parameter) statement.bind(1, *parameter);
  if (statement.step() != Step::Row) return std::nullopt;
  const auto n = statement.integer(0);
  statement.reset();  // ends the read: a reader held open would stall the log's checkpoints
  return n;
}

std::uint64_t size_or_zero(const std::filesystem::path& file) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(file, ec);
  return ec ? 0 : n;
}

// The exposition text, one family at a time.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels`: already formatted, e.g. kind="single",grade="A"; "" for none.
  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::int64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void sample_real(std::string_view name, std::string_view labels, double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6f", value);
    sample(name, labels, text);
  }
  // A family of one unlabelled sample.
  template <class Value>
  void single(std::string_view name, std::string_view type, std::string_view help, Value value) {
    family(name, type, help);
    sample(name, "", value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + std::string(value) + "\"";
}

// completed: kind-major, a slot per grade; aborted: a slot per kind.
template <class Completed, class Aborted>
void render_tests(Exposition& e, const Completed& completed, const Aborted& aborted) {
  e.family("bloatmeter_tests_completed_total", "counter",
           "Results stored by POST /api/results (not aborted), by kind and the server's grade.");
  for (std::size_t m = 0; m < kModeNames.size(); ++m)
    for (std::size_t g = 0; g < kGradeNames.size(); ++g)
      e.sample("bloatmeter_tests_completed_total", label("kind", kModeNames[m]) + "," + label("grade", kGradeNames[g]),
               completed[m * kGradeNames.size() + g].load(std::memory_order_relaxed));
  e.family("bloatmeter_tests_aborted_total", "counter", "Aborted tests stored by POST /api/results, by kind.");
  for (std::size_t m = 0; m < kModeNames.size(); ++m)
    e.sample("bloatmeter_tests_aborted_total", label("kind", kModeNames[m]), aborted[m].load(std::memory_order_relaxed));
}

// A bucket's bound as Prometheus writes it: 0.00005, 0.1, 1000000000.
std::string bound_text(double bound) {
  char text[48];
  std::snprintf(text, sizeof text, "%.6f", bound);
  std::string out = text;
  out.erase(out.find_last_not_of('0') + 1);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

template <std::size_t N>
void render_histogram(Exposition& e, const std::string& name, std::string_view help,
                      const typename ValueHistogram<N>::Reading& h) {
  e.family(name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += h.counts[i];
    e.sample(name + "_bucket", label("le", bound_text(h.bounds[i])), cumulative);
  }
  cumulative += h.counts.back();
  e.sample(name + "_bucket", label("le", "+Inf"), cumulative);
  e.sample_real(name + "_sum", "", h.sum);
  e.sample(name + "_count", "", cumulative);
}

void render_echo_delays(Exposition& e, const EchoDelayRecord::Histogram& h) {
  constexpr std::size_t n = EchoDelayRecord::kBucketBoundsUs.size();
  ValueHistogram<n>::Reading r;
  for (std::size_t i = 0; i < n; ++i) r.bounds[i] = EchoDelayRecord::kBucketBoundsUs[i] / 1e6;
  r.counts = h.counts;
  r.sum = static_cast<double>(h.sum_us) / 1e6;
  render_histogram<n>(e, "bloatmeter_probe_echo_delay_seconds",
                      "The server's own delay from reading a probe to echoing it, every probe since the start.", r);
}

void render_database(Exposition& e, const DatabaseGauges& db, bool webhook_enabled) {
  e.family("bloatmeter_webhook_enabled", "gauge", "1 when webhook_url is set.");
  e.sample("bloatmeter_webhook_enabled", "", std::int64_t{webhook_enabled ? 1 : 0});
  // Unknown until the first count: no figure is better than a false zero.
  if (!db.known.load(std::memory_order_relaxed)) return;
  const auto get = [](const std::atomic<std::int64_t>& a) { return a.load(std::memory_order_relaxed); };
  e.family("bloatmeter_webhook_queue_depth", "gauge", "Webhook events waiting in the outbox.");
  e.sample("bloatmeter_webhook_queue_depth", "", get(db.outbox_rows));
  e.family("bloatmeter_webhook_delivered_total", "counter", "Webhook events delivered (answered 2xx), all runs.");
  e.sample("bloatmeter_webhook_delivered_total", "", get(db.webhook_delivered));
  e.family("bloatmeter_webhook_failed_total", "counter",
           "Webhook events given up on (refused with 4xx other than 408/429, or undelivered for 24 h), all runs.");
  e.sample("bloatmeter_webhook_failed_total", "", get(db.webhook_failed));
  e.family("bloatmeter_webhook_dropped_total", "counter", "Webhook events dropped from a full outbox, all runs.");
  e.sample("bloatmeter_webhook_dropped_total", "", get(db.webhook_dropped));
  e.family("bloatmeter_database_rows", "gauge", "Rows in the database, by table.");
  e.sample("bloatmeter_database_rows", label("table", "results"), get(db.results_rows));
  e.sample("bloatmeter_database_rows", label("table", "telemetry"), get(db.telemetry_rows));
  e.sample("bloatmeter_database_rows", label("table", "webhook_outbox"), get(db.outbox_rows));
  e.family("bloatmeter_database_size_bytes", "gauge", "Size of the database file and its write-ahead log.");
  e.sample("bloatmeter_database_size_bytes", "", db.file_bytes.load(std::memory_order_relaxed));
}

void render_udp(Exposition& e, const UdpCounters& u) {
  const auto get = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  e.single("bloatmeter_udp_enabled", "gauge", "1 when the UDP probe lane's responder runs (udp_port).",
           std::int64_t{get(u.enabled) ? 1 : 0});
  e.single("bloatmeter_udp_datagrams_received_total", "counter", "Datagrams the UDP responder read, answered or not.",
           get(u.received));
  e.single("bloatmeter_udp_datagrams_answered_total", "counter", "Requests the UDP responder answered.",
           get(u.answered));
  e.family("bloatmeter_udp_datagrams_dropped_total", "counter",
           "Datagrams the UDP responder did not answer, by reason (unknown_token: unauthenticated).");
  for (std::size_t k = 0; k < kUdpDropKinds; ++k)
    e.sample("bloatmeter_udp_datagrams_dropped_total", label("reason", kUdpDropNames[k]),
             u.dropped_of(static_cast<UdpDrop>(k)));
  e.single("bloatmeter_udp_received_bytes_total", "counter", "UDP payload bytes the responder read.",
           get(u.received_bytes));
  e.single("bloatmeter_udp_sent_bytes_total", "counter", "UDP payload bytes the responder sent.", get(u.sent_bytes));
  e.single("bloatmeter_udp_sessions_opened_total", "counter", "UDP sessions opened by POST /api/udp-session.",
           get(u.sessions_opened));
  e.single("bloatmeter_udp_sessions_refused_total", "counter",
           "UDP sessions refused (udp_max_sessions, udp_max_sessions_per_address).", get(u.sessions_refused));
  e.single("bloatmeter_udp_sessions_live", "gauge", "UDP sessions before their deadline.", get(u.sessions_live));
}

}  // namespace

DatabaseGauges::~DatabaseGauges() {
  thread_.join();  // a running count uses db_
}

void DatabaseGauges::refresh_soon() {
  if (steady_ms() - last_refresh_ms_.load(std::memory_order_relaxed) < 1000) return;
  if (pending_.exchange(true)) return;
  net::post(thread_, [this] {
    refresh();
    last_refresh_ms_.store(steady_ms(), std::memory_order_relaxed);
    pending_.store(false);
  });
}

void DatabaseGauges::refresh() {
  if (!db_) {
    // Read-only, on the database the results thread has created.
    auto opened = open_database(target_, /*read_only=*/true);
    if (!opened) return;  // not there yet: the next refresh tries again
    db_ = std::move(opened).value();
  }
  // A fleet's servers share the tables: each counts its own rows, so a
  // dashboard summing the servers counts every row once.
  const auto& id = target_.server_id;
  const std::string mine = target_.shared() ? " WHERE server_id = ?1" : "";
  const auto whose = target_.shared() ? std::optional<std::string>(id) : std::nullopt;
  const auto results = count_of(*db_, "SELECT COUNT(*) FROM results" + mine, whose);
  const auto telemetry = count_of(*db_, "SELECT COUNT(*) FROM telemetry" + mine, whose);
  const auto outbox = count_of(*db_, "SELECT COUNT(*) FROM webhook_outbox" + mine, whose);
  if (!results || !telemetry || !outbox) {
    log_event(LogLevel::Warning, "metrics", db_->error_text("count rows"));
    return;
  }
  std::int64_t delivered = 0, failed = 0, dropped = 0;
  if (auto q = db_->prepare("SELECT key, CAST(value AS BIGINT) FROM webhook_status "
                            "WHERE server_id = ?1 AND key IN ('delivered', 'failed_permanently', 'dropped')")) {
    auto& statement = q.value();
    statement.bind(1, id);
    while (statement.step() == Step::Row) {
      const auto key = statement.text(0);
      (key == "delivered" ? delivered : key == "dropped" ? dropped : failed) = statement.integer(1);
    }
    statement.reset();
  }
  results_rows.store(*results, std::memory_order_relaxed);
  telemetry_rows.store(*telemetry, std::memory_order_relaxed);
  outbox_rows.store(*outbox, std::memory_order_relaxed);
  webhook_delivered.store(delivered, std::memory_order_relaxed);
  webhook_failed.store(failed, std::memory_order_relaxed);
  webhook_dropped.store(dropped, std::memory_order_relaxed);
  if (target_.shared()) {
    file_bytes.store(static_cast<std::uint64_t>(
                         count_of(*db_, "SELECT pg_database_size(current_database())").value_or(0)),
                     std::memory_order_relaxed);
  } else {
    auto wal = target_.sqlite_file;
    wal += "-wal";
    file_bytes.store(size_or_zero(target_.sqlite_file) + size_or_zero(wal), std::memory_order_relaxed);
  }
  known.store(true, std::memory_order_relaxed);
}

void Metrics::count_result(std::string_view mode, std::string_view grade, bool aborted,
                           const ResultFigures& figures) {
  if (aborted) {
    aborted_[mode_index(mode)].fetch_add(1, std::memory_order_relaxed);
  } else {
    completed_[mode_index(mode) * kGrades + grade_index(grade)].fetch_add(1, std::memory_order_relaxed);
    if (figures.increase_ms) increase_seconds_.observe(*figures.increase_ms / 1e3);
    if (figures.download_mbps) download_bytes_per_second_.observe(*figures.download_mbps * 1e6 / 8);
    if (figures.upload_mbps) upload_bytes_per_second_.observe(*figures.upload_mbps * 1e6 / 8);
  }
  database.refresh_soon();  // the rows it added
}

Metrics::ActiveSession::ActiveSession(Metrics& m, SessionKind kind) : m_(m), kind_(static_cast<std::size_t>(kind)) {
  m_.active_[kind_].fetch_add(1, std::memory_order_relaxed);
  m_.started_[kind_].fetch_add(1, std::memory_order_relaxed);
}

Metrics::ActiveSession::~ActiveSession() { m_.active_[kind_].fetch_sub(1, std::memory_order_relaxed); }

std::string Metrics::render(const ServerContext& ctx) const {
  Exposition e;
  e.family("bloatmeter_build_info", "gauge", "The server's version; the value is always 1.");
  e.sample("bloatmeter_build_info", label("version", kVersion), std::int64_t{1});
  const auto now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  e.family("bloatmeter_start_time_seconds", "gauge", "When the server started, in seconds since the Unix epoch.");
  e.sample_real("bloatmeter_start_time_seconds", "", now_s - ctx.uptime_seconds());

  render_tests(e, completed_, aborted_);

  e.family("bloatmeter_active_sessions", "gauge",
           "WebSocket sessions open now, by kind (a test runs one probe lane and its load streams).");
  for (std::size_t k = 0; k < kSessionKinds; ++k)
    e.sample("bloatmeter_active_sessions", label("kind", kSessionNames[k]),
             active_[k].load(std::memory_order_relaxed));
  e.family("bloatmeter_sessions_started_total", "counter", "WebSocket sessions started, by kind.");
  for (std::size_t k = 0; k < kSessionKinds; ++k)
    e.sample("bloatmeter_sessions_started_total", label("kind", kSessionNames[k]),
             started_[k].load(std::memory_order_relaxed));

  e.family("bloatmeter_load_sent_bytes_total", "counter",
           "Bytes the server sent on WebSocket load streams (download and household lanes).");
  e.sample("bloatmeter_load_sent_bytes_total", "", sent_bytes_.load(std::memory_order_relaxed));
  e.family("bloatmeter_load_received_bytes_total", "counter",
           "Bytes the server received on WebSocket load streams (upload and household lanes).");
  e.sample("bloatmeter_load_received_bytes_total", "", received_bytes_.load(std::memory_order_relaxed));

  render_echo_delays(e, ctx.echo_delays.histogram());
  render_histogram<5>(e, "bloatmeter_result_latency_increase_seconds",
                      "Stored tests (not aborted) by the median latency increase of the phase that set the grade; "
                      "the bounds are the grade table's.",
                      increase_seconds_.read());
  render_histogram<10>(e, "bloatmeter_result_download_bytes_per_second",
                       "Stored tests (not aborted) by measured download throughput (bounds: 1 Mbit/s to 10 Gbit/s).",
                       download_bytes_per_second_.read());
  render_histogram<10>(e, "bloatmeter_result_upload_bytes_per_second",
                       "Stored tests (not aborted) by measured upload throughput (bounds: 1 Mbit/s to 10 Gbit/s).",
                       upload_bytes_per_second_.read());

  e.family("bloatmeter_open_connections", "gauge", "Client connections open now (HTTP and WebSocket).");
  e.sample("bloatmeter_open_connections", "", std::int64_t{ctx.active_connections.load(std::memory_order_relaxed)});
  e.family("bloatmeter_result_submissions_in_flight", "gauge", "POST /api/results being read, queued or stored.");
  e.sample("bloatmeter_result_submissions_in_flight", "",
           std::int64_t{ctx.submissions_in_flight.load(std::memory_order_relaxed)});

  render_udp(e, ctx.udp_counters);
  render_database(e, database, !ctx.options.settings.webhook_url.empty());
  return e.take();
}

http::response<http::string_body> metrics_response(const Request& req, ServerContext& ctx) {
  const auto& token = ctx.options.settings.metrics_token;
  if (!token.empty()) {
    const auto authorization = req[http::field::authorization];
    const bool bearer = authorization.size() > 7 && beast::iequals(authorization.substr(0, 7), "Bearer ");
    if (!bearer || !same_secret(authorization.substr(7), token)) {
      auto res = error_response(http::status::unauthorized,
                                "the metrics need 'Authorization: Bearer TOKEN' (metrics_token)", req);
      res.set(http::field::www_authenticate, "Bearer realm=\"bloatmeter metrics\"");
      return res;
    }
  }
  ctx.metrics.database.refresh_soon();  // for the next scrape: this one never waits
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = ctx.metrics.render(ctx);
  res.prepare_payload();
  return res;
}

}  // namespace bloatmeter::server
