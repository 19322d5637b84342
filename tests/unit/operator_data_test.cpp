// The browser's operator view, its logic without a screen
// (wasm/src/operator_data.cpp): the telemetry API's answers, filters,
// sorting, day counts, histograms and the sentences it says.
#include <doctest/doctest.h>

#include "operator_data.hpp"

using namespace bloatmeter::web;

namespace {

TelemetryRow row(std::int64_t seq, std::string grade, std::optional<double> increase, std::optional<double> down,
                 std::string ip = "192.0.2.1") {
  TelemetryRow r;
  r.seq = seq;
  r.grade = std::move(grade);
  r.increase_ms = increase;
  r.download_mbps = down;
  r.client_ip = std::move(ip);
  r.result_id = "id" + std::to_string(seq);
  return r;
}

std::vector<std::int64_t> seqs(const std::vector<TelemetryRow>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.seq);
  return out;
}

}  // namespace

TEST_CASE("a page of telemetry rows is read, with nulls as missing figures") {
  const auto page = parse_rows_page(R"({"filters":{},"count":2,"next_cursor":7,"note":"kept by /24","rows":[
    {"seq":9,"result_id":"ab","created_at":"2026-12-05T10:04:31Z","client_kind":"browser","client_version":"0.1.0",
     "mode":"single","plan":"quick","client_ip":"127.0.0.1","aborted":false,"grade":"B","baseline_ms":12.5,
     "loaded_ms":50,"increase_ms":37.5,"download_mbps":93.1,"upload_mbps":null,"rpm":800,"details":{},
     "server_id":"fra-1"},
    {"seq":8,"result_id":"cd","aborted":true,"grade":null,"client_ip":null}]})");
  REQUIRE(page);
  const auto& rows = page.value().rows;
  REQUIRE(rows.size() == 2);
  CHECK(page.value().more);
  CHECK(page.value().note == "kept by /24");
  CHECK(rows[0].seq == 9);
  CHECK(rows[0].grade == "B");
  CHECK(rows[0].server_id == "fra-1");
  CHECK(rows[1].server_id.empty());  // rows from before server_id
  CHECK(rows[0].increase_ms == doctest::Approx(37.5));
  CHECK_FALSE(rows[0].upload_mbps);
  CHECK(rows[1].aborted);
  CHECK(rows[1].grade.empty());
  CHECK(rows[1].client_ip.empty());
  CHECK_FALSE(parse_rows_page("<html>"));
  CHECK_FALSE(parse_rows_page(R"({"rows": 3})"));
  CHECK_FALSE(parse_rows_page(R"({"filters":{},"rows":[],"next_cursor":null})").value().more);
}

TEST_CASE("the stats of each day are read from the 'all' client kind") {
  const auto days = parse_day_stats(R"({"filters":{},"periods":[
    {"period":"2026-12-04","by_client_kind":{"all":{"count":3,"aborted":1,"grades":{"A+":1,"A":0,"B":1,"C":0,"D":0,"F":0,"none":1}},
                                             "browser":{"count":2}}},
    {"period":"2026-12-05","by_client_kind":{"native":{"count":1}}}]})");
  REQUIRE(days);
  REQUIRE(days.value().size() == 1);
  CHECK(days.value()[0].day == "2026-12-04");
  CHECK(days.value()[0].count == 3);
  CHECK(days.value()[0].aborted == 1);
  CHECK(days.value()[0].grades[grade_index("A+")] == 1);
  CHECK(days.value()[0].grades[grade_index("B")] == 1);
  CHECK(days.value()[0].grades[grade_index("none")] == 1);
  CHECK(grade_index("") == grade_index("none"));
  CHECK(grade_index("F") == 5);
}

TEST_CASE("webhook health is read and said in words") {
  auto h = parse_webhook_health(R"json({"configured":true,"queue_depth":2,"outbox_max":10000,"oldest_waiting_age_s":42.4,
    "next_attempt_in_s":3,"oldest_attempts":3,"oldest_last_error":"HTTP 503","delivered":10,"dropped":0,
    "failed_permanently":1,"last_success":"2026-12-05T10:00:00Z","last_failure":"2026-12-05T10:05:00Z",
    "last_failure_reason":"HTTP 503 (will retry)"})json");
  REQUIRE(h);
  CHECK(webhook_headline(h.value()) == "Retrying");
  CHECK(webhook_trouble(h.value()));
  const auto sentence = webhook_sentence(h.value());
  CHECK(sentence.find("10 events delivered, 2 waiting (the oldest for 42 s, 3 attempts, last error: HTTP 503)") !=
        std::string::npos);
  CHECK(sentence.find("1 event refused or given up.") != std::string::npos);
  CHECK(sentence.find("Last failure 2026-12-05 10:05 UTC: HTTP 503 (will retry).") != std::string::npos);

  WebhookHealth quiet;
  CHECK(webhook_headline(quiet) == "Not configured");
  CHECK_FALSE(webhook_trouble(quiet));
  CHECK(webhook_sentence(quiet).find("not configured") != std::string::npos);
  quiet.configured = true;
  quiet.delivered = 4;
  quiet.last_success = "2026-12-05T11:00:00Z";
  quiet.last_failure = "2026-12-05T10:00:00Z";
  CHECK(webhook_headline(quiet) == "Delivering");
  CHECK_FALSE(webhook_trouble(quiet));
  CHECK_FALSE(parse_webhook_health("[]"));
}

TEST_CASE("a refusal is said with the server's own words") {
  CHECK(api_error_text(401, R"({"error":"wrong API key"})") == "wrong API key");
  CHECK(api_error_text(502, "Bad gateway") == "HTTP 502");
  CHECK(api_error_text(0, "") == "the server could not be reached");
}

TEST_CASE("filters become the API's query parameters") {
  const std::int64_t now = 1'796'476'800;
  CHECK(filter_query({}, now).empty());
  OperatorFilter f;
  f.period = PeriodFilter::Week;
  f.grade = "A+";
  f.client_kind = "browser";
  CHECK(filter_query(f, now) == "since=" + std::to_string(now - 7 * 86400) + "&grade=A%2B&client_kind=browser");
  CHECK(describe_filter(f) == "grade A+, browser, last 7 days");
  OperatorFilter day;
  day.period = PeriodFilter::OneDay;
  day.day = "1970-01-02";
  CHECK(filter_query(day, now) == "since=86400&until=172800");
  CHECK(describe_filter({}) == "all tests");
}

TEST_CASE("days are named in UTC and the chart's days are filled in") {
  CHECK(utc_day(0) == "1970-01-01");
  CHECK(utc_day(86399) == "1970-01-01");
  CHECK(utc_clock(86399) == "23:59");
  CHECK(utc_clock(1'735'603'200 + 3600 + 60 * 7) == "01:07");
  CHECK(utc_day(1'709'164'800) == "2024-02-29");  // a leap day
  CHECK(utc_day(1'735'603'200) == "2024-12-31");
  CHECK(utc_day(1'735'603'200 + 86400) == "2025-01-01");
  std::vector<DayStats> stats(2);
  stats[0].day = "2024-02-28";
  stats[0].count = 4;
  stats[1].day = "2024-03-01";
  stats[1].count = 2;
  const auto days = fill_days(stats, "2024-03-01", 4);
  REQUIRE(days.size() == 4);
  CHECK(days[0].day == "2024-02-27");
  CHECK(days[1].count == 4);
  CHECK(days[2].day == "2024-02-29");
  CHECK(days[2].count == 0);
  CHECK(days[3].count == 2);
  CHECK(fill_days(stats, "not a day", 4).empty());
}

TEST_CASE("rows sort by any column, with missing figures last either way") {
  std::vector<TelemetryRow> rows{row(1, "B", 40, 90), row(2, "F", 500, std::nullopt), row(3, "", std::nullopt, 10),
                                 row(4, "A+", 2, 300, "10.0.0.1")};
  sort_rows(rows, {});
  CHECK(seqs(rows) == std::vector<std::int64_t>{4, 3, 2, 1});
  sort_rows(rows, {SortColumn::Grade, true});
  CHECK(seqs(rows) == std::vector<std::int64_t>{2, 1, 4, 3});
  sort_rows(rows, {SortColumn::Grade, false});
  CHECK(seqs(rows) == std::vector<std::int64_t>{4, 1, 2, 3});
  sort_rows(rows, {SortColumn::Download, true});
  CHECK(seqs(rows) == std::vector<std::int64_t>{4, 1, 3, 2});
  sort_rows(rows, {SortColumn::Increase, false});
  CHECK(seqs(rows) == std::vector<std::int64_t>{4, 1, 2, 3});
  sort_rows(rows, {SortColumn::Address, false});
  CHECK(rows.front().seq == 4);

  CHECK(toggled({}, SortColumn::Time) == SortOrder{SortColumn::Time, false});
  CHECK(toggled({}, SortColumn::Increase) == SortOrder{SortColumn::Increase, true});
  CHECK(toggled({}, SortColumn::Address) == SortOrder{SortColumn::Address, false});
}

TEST_CASE("histograms share round bins and keep the outliers in an open last bin") {
  std::vector<double> latency;
  for (int i = 0; i < 100; ++i) latency.push_back(i + 0.5);  // 0.5 ... 99.5
  latency.push_back(150);
  latency.push_back(2000);
  const auto h = histogram({latency}, 10, 10);
  CHECK(h.width == doctest::Approx(10));
  CHECK(h.open_top);
  REQUIRE(h.bins() == 11);
  CHECK(h.counts[0][0] == 10);
  CHECK(h.counts[0][10] == 2);  // 150 and 2000
  std::int64_t total = 0;
  for (auto c : h.counts[0]) total += c;
  CHECK(total == static_cast<std::int64_t>(latency.size()));

  const auto both = histogram({{5, 48}, {9.5, -1}}, 8, 1);
  REQUIRE(both.counts.size() == 2);
  CHECK(both.bins() == both.counts[1].size());
  CHECK_FALSE(both.open_top);
  CHECK(both.counts[1][0] == 2);  // 9.5, and -1 in the first bin

  const auto none = histogram({{}}, 10, 50);
  CHECK(none.width == doctest::Approx(5));
  CHECK(none.bins() == 10);
  CHECK_FALSE(none.open_top);
}

TEST_CASE("a row is said in words; times are shortened; addresses are encoded") {
  auto r = row(5, "B", 37.46, 93.14);
  r.created_at = "2026-12-05T10:04:31Z";
  r.client_kind = "browser";
  r.mode = "single";
  r.upload_mbps = 11;
  CHECK(describe_row(r) ==
        "2026-12-05 10:04 UTC, grade B, browser single user from 192.0.2.1, latency +37.5 ms, download 93.1, "
        "upload 11.0 Mbit/s, result id5");
  // A fleet's rows name their server, one server's do not need to.
  r.server_id = "fra-1";
  auto other = r;
  other.server_id = "ham-2";
  CHECK_FALSE(from_several_servers({r, r}));
  CHECK(from_several_servers({r, other}));
  CHECK_FALSE(from_several_servers({}));
  CHECK(describe_row(r, true).find("from 192.0.2.1, on server fra-1, latency") != std::string::npos);
  CHECK(describe_row(r).find("fra-1") == std::string::npos);
  CHECK(short_time("bad") == "bad");
  CHECK(percent_encode("2001:db8::/48") == "2001%3Adb8%3A%3A%2F48");
  CHECK(percent_encode("127.0.0.1") == "127.0.0.1");
  const auto s = spread({5, 1, 3, 2, 4});
  CHECK(s.count == 5);
  CHECK(*s.median == doctest::Approx(3));
  CHECK(figures({row(1, "A", 3, std::nullopt), row(2, "A", std::nullopt, 4)}, RowFigure::Increase).size() == 1);
}
