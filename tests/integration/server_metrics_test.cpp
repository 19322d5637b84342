// GET /metrics (metrics.hpp): the exposition format, the token, counters
// that move with real sessions and submissions, and a scrape that never
// waits for the results thread.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <optional>
#include <sstream>
#include <thread>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "http_client.hpp"
#include "sample_run.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

using namespace bloatmeter::testing;
namespace bm = bloatmeter;

namespace {

const std::string kToken = "metrics-token-0123456789";

// The value of one series ("name" or "name{labels}"), nothing when absent.
std::optional<double> series(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ')
      return std::stod(line.substr(name.size() + 1));
  return std::nullopt;
}

std::string scrape(std::uint16_t port) {
  const auto r = get(port, "/metrics");
  REQUIRE(r.result() == http::status::ok);
  return r.body();
}

// Polls until the series reaches `at_least` (sessions end and database
// counts refresh asynchronously); the last value seen.
double wait_for(std::uint16_t port, const std::string& name, double at_least, bool or_below = false) {
  double value = -1;
  for (int i = 0; i < 60; ++i) {
    value = series(scrape(port), name).value_or(-1);
    if (or_below ? (value >= 0 && value <= at_least) : value >= at_least) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return value;
}

}  // namespace

TEST_CASE("metrics: the text format 0.0.4 with every family, GET and HEAD only") {
  TestServer srv;
  const auto r = get(srv.port(), "/metrics");
  REQUIRE(r.result() == http::status::ok);
  CHECK(r[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = r.body();
  CHECK(series(text, "bloatmeter_build_info{version=\"0.1.0\"}") == 1.0);
  for (const char* family :
       {"bloatmeter_tests_completed_total counter", "bloatmeter_tests_aborted_total counter",
        "bloatmeter_active_sessions gauge", "bloatmeter_sessions_started_total counter",
        "bloatmeter_load_sent_bytes_total counter", "bloatmeter_load_received_bytes_total counter",
        "bloatmeter_probe_echo_delay_seconds histogram", "bloatmeter_open_connections gauge",
        "bloatmeter_result_submissions_in_flight gauge", "bloatmeter_webhook_enabled gauge",
        "bloatmeter_start_time_seconds gauge"})
    CHECK_MESSAGE(text.find(std::string("# TYPE ") + family + "\n") != std::string::npos, family);
  CHECK(series(text, "bloatmeter_tests_completed_total{kind=\"household\",grade=\"A+\"}") == 0.0);
  CHECK(series(text, "bloatmeter_probe_echo_delay_seconds_bucket{le=\"+Inf\"}") == 0.0);
  CHECK(series(text, "bloatmeter_open_connections") >= 1.0);  // this scrape's own
  // The database figures arrive with the first count, off the I/O threads.
  CHECK(wait_for(srv.port(), "bloatmeter_database_rows{table=\"results\"}", 0) == 0.0);
  const auto later = scrape(srv.port());
  CHECK(series(later, "bloatmeter_database_size_bytes") > 0.0);
  CHECK(series(later, "bloatmeter_webhook_queue_depth") == 0.0);

  const auto head = request(srv.port(), http::verb::head, "/metrics");
  CHECK(head.result() == http::status::ok);
  CHECK(head.body().empty());
  const auto post = request(srv.port(), http::verb::post, "/metrics", "x");
  CHECK(post.result() == http::status::method_not_allowed);
  CHECK(post[http::field::allow] == "GET, HEAD");
}

TEST_CASE("metrics: behind metrics_token, a Bearer token compared in constant time") {
  TestServer srv(false, {}, "metrics_token=" + kToken + "\n");
  const auto none = get(srv.port(), "/metrics");
  CHECK(none.result() == http::status::unauthorized);
  CHECK(none[http::field::www_authenticate].find("Bearer") == 0);
  CHECK(none.body().find("bloatmeter_") == std::string::npos);
  const auto wrong = request(srv.port(), http::verb::get, "/metrics", {},
                             {{http::field::authorization, "Bearer " + kToken + "x"}});
  CHECK(wrong.result() == http::status::unauthorized);
  const auto basic = request(srv.port(), http::verb::get, "/metrics", {}, {{http::field::authorization, kToken}});
  CHECK(basic.result() == http::status::unauthorized);
  const auto right = request(srv.port(), http::verb::get, "/metrics", {},
                             {{http::field::authorization, "Bearer " + kToken}});
  CHECK(right.result() == http::status::ok);
  CHECK(right.body().find("bloatmeter_build_info") != std::string::npos);
}

TEST_CASE("metrics: sessions, load bytes and probe echoes are counted") {
  TestServer srv;
  const auto port = srv.port();
  {
    WsClient probe(port, "/ws/probe");
    for (std::uint32_t seq = 1; seq <= 5; ++seq) probe_round_trip(probe.ws, seq, static_cast<std::uint64_t>(client_now_us()));
    WsClient download(port, "/ws/bulk-download?chunk=65536");
    beast::flat_buffer in;
    std::size_t got = 0;
    while (got < 4 * 65536) {
      got += download.ws.read(in);
      in.consume(in.size());
    }
    WsClient upload(port, "/ws/bulk-upload");
    const std::string payload(100'000, 'x');
    upload.ws.write(net::buffer(payload));

    const auto text = scrape(port);
    CHECK(series(text, "bloatmeter_active_sessions{kind=\"probe\"}") == 1.0);
    CHECK(series(text, "bloatmeter_active_sessions{kind=\"download\"}") == 1.0);
    CHECK(series(text, "bloatmeter_active_sessions{kind=\"upload\"}") == 1.0);
    CHECK(series(text, "bloatmeter_sessions_started_total{kind=\"probe\"}") == 1.0);
    CHECK(series(text, "bloatmeter_probe_echo_delay_seconds_count") == 5.0);
    CHECK(series(text, "bloatmeter_probe_echo_delay_seconds_bucket{le=\"+Inf\"}") == 5.0);
    CHECK(series(text, "bloatmeter_probe_echo_delay_seconds_sum") >= 0.0);
    CHECK(series(text, "bloatmeter_load_sent_bytes_total") >= 4.0 * 65536);
    CHECK(wait_for(port, "bloatmeter_load_received_bytes_total", 100'000) >= 100'000);
    CHECK(series(text, "bloatmeter_open_connections") >= 4.0);
    probe.ws.close(websocket::close_code::normal);
    upload.ws.close(websocket::close_code::normal);
    download.ws.close(websocket::close_code::normal);
  }
  CHECK(wait_for(port, "bloatmeter_active_sessions{kind=\"probe\"}", 0, true) == 0.0);
  CHECK(wait_for(port, "bloatmeter_active_sessions{kind=\"download\"}", 0, true) == 0.0);
  CHECK(wait_for(port, "bloatmeter_active_sessions{kind=\"upload\"}", 0, true) == 0.0);
  CHECK(series(scrape(port), "bloatmeter_sessions_started_total{kind=\"download\"}") == 1.0);
}

TEST_CASE("metrics: a stored result counts by kind and grade; database rows follow") {
  TestServer srv;
  const auto port = srv.port();
  const auto run = sample_run();
  const auto grade = std::string(bm::to_string(*bm::recompute(run).overall));
  const auto name = "bloatmeter_tests_completed_total{kind=\"single\",grade=\"" + grade + "\"}";
  CHECK(series(scrape(port), name) == 0.0);
  for (int i = 0; i < 2; ++i)
    REQUIRE(request(port, http::verb::post, "/api/results", bm::serialize_result(run),
                    {{http::field::content_type, "application/json"}})
                .result() == http::status::created);
  const auto text = scrape(port);
  CHECK(series(text, name) == 2.0);
  CHECK(series(text, "bloatmeter_tests_aborted_total{kind=\"single\"}") == 0.0);
  CHECK(wait_for(port, "bloatmeter_database_rows{table=\"results\"}", 2) == 2.0);
  CHECK(series(scrape(port), "bloatmeter_database_rows{table=\"telemetry\"}") == 2.0);

  auto aborted = run;
  aborted.raw.aborted = true;
  REQUIRE(request(port, http::verb::post, "/api/results", bm::serialize_result(aborted),
                  {{http::field::content_type, "application/json"}})
              .result() == http::status::created);
  CHECK(series(scrape(port), "bloatmeter_tests_aborted_total{kind=\"single\"}") == 1.0);
  CHECK(series(scrape(port), name) == 2.0);
}

TEST_CASE("metrics: a scrape never waits for the results thread") {
  TestServer srv;
  auto& ctx = srv.server().context();
  std::promise<void> release;
  auto released = release.get_future().share();
  // The results thread busy (a slow disk, a long retention trim).
  net::post(ctx.results_executor, [released] { released.wait_for(std::chrono::seconds(10)); });
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) CHECK(get(srv.port(), "/metrics").result() == http::status::ok);
  const auto took = std::chrono::steady_clock::now() - started;
  release.set_value();
  CHECK(took < std::chrono::seconds(2));
}
