// The operator's API (/api/telemetry/*): closed without a key, the key in
// both header forms, the rows every submission leaves, addresses behind
// trusted proxies, customer searches and erasure, retention, the CSV
// export's streaming (docs/operator.md).
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "client_address.hpp"

#include <nlohmann/json.hpp>

#include "bloatmeter/result_json.hpp"
#include "http_client.hpp"
#include "sample_run.hpp"
#include "test_server.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;
namespace bm = bloatmeter;

namespace {

const std::string kKey = "telemetry-key-0123456789";
const std::string kKeyed = "telemetry_api_key=" + kKey + "\n";

// A result stored the way a client sends it, with one extra header if named
// (a proxy's X-Forwarded-For or Forwarded).
Response submit_via(std::uint16_t port, const std::string& header, const std::string& value) {
  static const std::string doc = bm::serialize_result(sample_run());
  net::io_context ioc;
  auto s = connect_loopback(ioc, port);
  http::request<http::string_body> req{http::verb::post, "/api/results", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  if (!header.empty()) req.set(header, value);
  req.body() = doc;
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer buf;
  Response res;
  http::read(s, buf, res);
  return res;
}

Response submit(std::uint16_t port) { return submit_via(port, {}, {}); }

Response api(std::uint16_t port, const std::string& target, const std::string& key = kKey,
             http::verb method = http::verb::get) {
  if (key.empty()) return request(port, method, target);
  return request(port, method, target, {}, {{http::field::authorization, "Bearer " + key}});
}

json api_json(std::uint16_t port, const std::string& target) {
  const auto r = api(port, target);
  INFO(target << " -> " << r.result_int() << " " << r.body());
  REQUIRE(r.result_int() == 200);
  return json::parse(r.body());
}

// Writes rows straight into the telemetry table (a year of history in a
// second), as the server's own insert would.
void insert_rows(const fs::path& db_file, int count, std::int64_t created_unix, const std::string& ip = "192.0.2.1") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_file.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "INSERT INTO telemetry (result_id, created_at, created_unix, client_kind, client_version, "
                             "mode, plan, client_ip, ip_v6, ip_key, aborted, grade, baseline_ms, loaded_ms, "
                             "increase_ms, download_mbps, upload_mbps, rpm, details_json) VALUES (?1, "
                             "'2025-01-01T00:00:00Z', ?2, 'browser', '0.1.0', 'single', 'standard', ?3, 0, ?4, 0, "
                             "'B', 20, 60, 40, 100, 20, 900, '{}')",
                             -1, &q, nullptr) == SQLITE_OK);
  const auto key = bm::server::parse_cidr(ip);
  REQUIRE(key);
  for (int i = 0; i < count; ++i) {
    const std::string id = "imported" + std::to_string(i);
    sqlite3_bind_text(q, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, created_unix);
    sqlite3_bind_text(q, 3, ip.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(q, 4, key->bytes.data(), 4, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(q) == SQLITE_DONE);
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::int64_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

const std::vector<std::string> kRoutes = {"/api/telemetry/recent", "/api/telemetry/customer/127.0.0.1",
                                          "/api/telemetry/stats", "/api/telemetry/export.csv",
                                          "/api/telemetry/webhooks"};

}  // namespace

TEST_CASE("without a key configured the telemetry API is closed: 403 on every route, saying how to open it") {
  TestServer srv;
  REQUIRE(submit(srv.port()).result_int() == 201);
  for (const auto& route : kRoutes) {
    for (const std::string key : {std::string(), kKey}) {
      const auto r = api(srv.port(), route, key);
      INFO(route);
      CHECK(r.result_int() == 403);
      CHECK(json::parse(r.body())["error"].get<std::string>().find("telemetry_api_key") != std::string::npos);
      CHECK(r.body().find("127.0.0.1") == std::string::npos);
    }
  }
  CHECK(api(srv.port(), "/api/telemetry/customer/127.0.0.1", kKey, http::verb::delete_).result_int() == 403);
}

TEST_CASE("the key: missing or wrong is 401 with WWW-Authenticate, right in either header is 200") {
  TestServer srv(false, {}, kKeyed);
  for (const auto& route : kRoutes) {
    INFO(route);
    auto r = api(srv.port(), route, "");
    CHECK(r.result_int() == 401);
    CHECK(r[http::field::www_authenticate].starts_with("Bearer"));
    // A wrong key on every route would be five guesses from this address,
    // which the next test shows is throttled: two routes suffice.
    if (route == kRoutes[0] || route == kRoutes[1]) {
      r = api(srv.port(), route, "telemetry-key-0123456788");
      CHECK(r.result_int() == 401);
      CHECK(r[http::field::www_authenticate].find("invalid_token") != std::string::npos);
    }
    CHECK(api(srv.port(), route).result_int() == 200);
  }
  // X-API-Key, the other header form.
  net::io_context ioc;
  auto s = connect_loopback(ioc, srv.port());
  http::request<http::string_body> req{http::verb::get, "/api/telemetry/recent", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-API-Key", kKey);
  http::write(s, req);
  beast::flat_buffer buf;
  Response res;
  http::read(s, buf, res);
  CHECK(res.result_int() == 200);
  CHECK(res[http::field::cache_control] == "no-store");
  // The seed's ?api_key= is refused while telemetry_allow_query_key is off.
  const auto q = api(srv.port(), "/api/telemetry/recent?api_key=" + kKey, "");
  CHECK(q.result_int() == 401);
  CHECK(q.body().find("Authorization: Bearer") != std::string::npos);
}

TEST_CASE("the query key works only when telemetry_allow_query_key is on") {
  TestServer srv(false, {}, kKeyed + "telemetry_allow_query_key=true\n");
  CHECK(api(srv.port(), "/api/telemetry/recent?api_key=" + kKey, "").result_int() == 200);
  CHECK(api(srv.port(), "/api/telemetry/recent?api_key=wrong-key-wrong-key", "").result_int() == 401);
}

TEST_CASE("an address that keeps guessing keys is made to wait (429), and others are not") {
  TestServer srv(false, {}, kKeyed);
  for (int i = 0; i < 5; ++i) CHECK(api(srv.port(), "/api/telemetry/recent", "guess-" + std::to_string(i)).result_int() == 401);
  const auto r = api(srv.port(), "/api/telemetry/recent", "guess-5");
  CHECK(r.result_int() == 429);
  CHECK(!r[http::field::retry_after].empty());
  // Even the right key waits: guessing must not pay off by luck.
  CHECK(api(srv.port(), "/api/telemetry/recent").result_int() == 429);
}

TEST_CASE("every stored test becomes a telemetry row with the server's summary, newest first, paged by cursor") {
  TestServer srv(false, {}, kKeyed);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const auto r = submit(srv.port());
    REQUIRE(r.result_int() == 201);
    ids.push_back(json::parse(r.body())["id"]);
  }
  const auto all = api_json(srv.port(), "/api/telemetry/recent");
  REQUIRE(all["rows"].size() == 5);
  const auto& newest = all["rows"][0];
  CHECK(newest["result_id"] == ids.back());
  CHECK(newest["grade"] == "C");  // 100 ms more under download; the client claimed A+
  CHECK(newest["baseline_ms"].get<double>() == doctest::Approx(20.0).epsilon(0.01));
  CHECK(newest["increase_ms"].get<double>() == doctest::Approx(100.0).epsilon(0.01));
  CHECK(newest["loaded_ms"].get<double>() == doctest::Approx(120.0).epsilon(0.01));
  CHECK(newest["download_mbps"].get<double>() > 40.0);
  CHECK(newest["client_kind"] == "native");
  CHECK(newest["client_version"] == "0.1.0");
  CHECK(newest["plan"] == "quick");
  CHECK(newest["mode"] == "single");
  CHECK(newest["aborted"] == false);
  CHECK(newest["client_ip"] == "127.0.0.1");
  CHECK(newest["details"]["phases"].size() == sample_run().plan.phases.size());
  CHECK(all["next_cursor"].is_null());
  CHECK(all["filters"]["limit"] == 50);

  // Pages of 2 by cursor; a test stored between pages neither repeats a
  // row nor shifts one out (an offset would).
  auto page = api_json(srv.port(), "/api/telemetry/recent?limit=2");
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    for (const auto& row : page["rows"]) seen.push_back(row["result_id"]);
    if (page["next_cursor"].is_null()) break;
    if (guard == 0) REQUIRE(submit(srv.port()).result_int() == 201);
    page = api_json(srv.port(), "/api/telemetry/recent?limit=2&cursor=" + std::to_string(page["next_cursor"].get<long long>()));
    CHECK(page["filters"]["cursor"].is_number());
  }
  CHECK(seen == std::vector<std::string>(ids.rbegin(), ids.rend()));

  // Filters say what they applied; bad ones are named.
  CHECK(api_json(srv.port(), "/api/telemetry/recent?grade=C")["rows"].size() == 6);
  CHECK(api_json(srv.port(), "/api/telemetry/recent?grade=A%2B")["rows"].empty());
  CHECK(api_json(srv.port(), "/api/telemetry/recent?client_kind=browser")["rows"].empty());
  CHECK(api_json(srv.port(), "/api/telemetry/recent?since=2020-01-01&until=2020-01-02")["filters"]["until"] ==
        "2020-01-02T00:00:00Z");
  for (const std::string bad : {"limit=0", "limit=1001", "grade=E", "since=yesterday", "cursor=-3", "colour=red"}) {
    const auto r = api(srv.port(), "/api/telemetry/recent?" + bad);
    INFO(bad);
    CHECK(r.result_int() == 400);
    CHECK(r.body().find(bad.substr(0, bad.find('='))) != std::string::npos);
  }
}

TEST_CASE("statistics per period and client kind: counts, grades, medians and p90") {
  TestServer srv(false, {}, kKeyed);
  for (int i = 0; i < 3; ++i) REQUIRE(submit(srv.port()).result_int() == 201);
  insert_rows(srv.root() / "data" / "bloatmeter.sqlite", 4, std::time(nullptr) - 40LL * 86400);
  for (const std::string period : {"day", "week", "month"}) {
    const auto stats = api_json(srv.port(), "/api/telemetry/stats?period=" + period);
    CHECK(stats["filters"]["period"] == period);
    REQUIRE(stats["periods"].size() >= 2);
    const auto& latest = stats["periods"].back()["by_client_kind"];
    CHECK(latest["all"]["count"] == 3);
    CHECK(latest["native"]["grades"]["C"] == 3);
    CHECK(latest["all"]["increase_ms"]["median"].get<double>() == doctest::Approx(100.0).epsilon(0.01));
    CHECK(latest["all"]["increase_ms"]["p90"].get<double>() == doctest::Approx(100.0).epsilon(0.01));
    const auto& older = stats["periods"].front()["by_client_kind"];
    CHECK(older["browser"]["count"] == 4);
    CHECK(older["all"]["grades"]["B"] == 4);
    CHECK(older["all"]["download_mbps"]["median"] == 100.0);
  }
  CHECK(api(srv.port(), "/api/telemetry/stats?period=year").result_int() == 400);
}

TEST_CASE("behind a trusted proxy the forwarded address is the customer's; elsewhere the header is ignored") {
  SUBCASE("not trusted: a spoofed header changes nothing") {
    TestServer srv(false, {}, kKeyed);
    REQUIRE(submit_via(srv.port(), "X-Forwarded-For", "198.51.100.7").result_int() == 201);
    REQUIRE(submit_via(srv.port(), "Forwarded", "for=198.51.100.8").result_int() == 201);
    const auto page = api_json(srv.port(), "/api/telemetry/recent");  // kept: the loop reads into it
    REQUIRE(page["rows"].size() == 2);
    for (const auto& row : page["rows"]) CHECK(row["client_ip"] == "127.0.0.1");
  }
  SUBCASE("trusted: X-Forwarded-For and Forwarded name the client, read from the right") {
    TestServer srv(false, {}, kKeyed + "trusted_proxies=127.0.0.0/8, 10.0.0.0/8\n");
    REQUIRE(submit_via(srv.port(), "X-Forwarded-For", "203.0.113.9, 198.51.100.7, 10.1.2.3").result_int() == 201);
    REQUIRE(submit_via(srv.port(), "Forwarded", "for=\"[2001:DB8:0::5]:4711\";proto=https").result_int() == 201);
    REQUIRE(submit_via(srv.port(), "X-Forwarded-For", "not-an-address").result_int() == 201);
    const auto rows = api_json(srv.port(), "/api/telemetry/recent")["rows"];
    REQUIRE(rows.size() == 3);
    CHECK(rows[2]["client_ip"] == "198.51.100.7");
    CHECK(rows[1]["client_ip"] == "2001:db8::5");
    CHECK(rows[0]["client_ip"] == "127.0.0.1");  // malformed: the peer's own
  }
}

TEST_CASE("customer search by IPv4, IPv6 in any notation and CIDR prefixes; erasure on request") {
  TestServer srv(false, {}, kKeyed + "trusted_proxies=127.0.0.1\n");
  std::map<std::string, std::string> id_of;
  for (const std::string ip : {"198.51.100.7", "198.51.100.200", "2001:db8:1::5", "2001:db8:2::9"}) {
    const auto r = submit_via(srv.port(), "X-Forwarded-For", ip);
    REQUIRE(r.result_int() == 201);
    id_of[ip] = json::parse(r.body())["id"];
  }
  const auto count = [&](const std::string& who) {
    return api_json(srv.port(), "/api/telemetry/customer/" + who)["rows"].size();
  };
  CHECK(count("198.51.100.7") == 1);
  CHECK(count("198.51.100.0/24") == 2);
  CHECK(count("198.51.100.0%2F24") == 2);
  CHECK(count("2001:DB8:1:0:0:0:0:5") == 1);
  CHECK(count("[2001:db8:1::5]") == 1);
  CHECK(count("2001:db8::/32") == 2);
  CHECK(count("2001:db8:2::/48") == 1);
  CHECK(count("::ffff:198.51.100.7") == 1);
  CHECK(count("203.0.113.1") == 0);
  CHECK(api(srv.port(), "/api/telemetry/customer/198.51.100.300").result_int() == 400);
  CHECK(api(srv.port(), "/api/telemetry/customer/2001:db8::/129").result_int() == 400);

  // A data-protection request: rows, stored results and waiting events go.
  const auto erased = api(srv.port(), "/api/telemetry/customer/198.51.100.0/24", kKey, http::verb::delete_);
  REQUIRE(erased.result_int() == 200);
  CHECK(json::parse(erased.body())["erased"]["telemetry_rows"] == 2);
  CHECK(json::parse(erased.body())["erased"]["results"] == 2);
  CHECK(count("198.51.100.0/24") == 0);
  CHECK(get(srv.port(), "/api/results/" + id_of["198.51.100.7"]).result_int() == 404);
  CHECK(get(srv.port(), "/api/results/" + id_of["2001:db8:1::5"]).result_int() == 200);
  CHECK(count("2001:db8::/32") == 2);
}

TEST_CASE("telemetry_store_ip: prefix keeps the /24 or /56, none keeps no address") {
  SUBCASE("prefix") {
    TestServer srv(false, {}, kKeyed + "trusted_proxies=127.0.0.1\ntelemetry_store_ip=prefix\n");
    REQUIRE(submit_via(srv.port(), "X-Forwarded-For", "198.51.100.7").result_int() == 201);
    REQUIRE(submit_via(srv.port(), "X-Forwarded-For", "2001:db8:1:2345::5").result_int() == 201);
    const auto rows = api_json(srv.port(), "/api/telemetry/recent")["rows"];
    CHECK(rows[1]["client_ip"] == "198.51.100.0/24");
    CHECK(rows[0]["client_ip"] == "2001:db8:1:2300::/56");
    // A search by the whole address finds its prefix's rows, and says so.
    const auto found = api_json(srv.port(), "/api/telemetry/customer/198.51.100.7");
    CHECK(found["rows"].size() == 1);
    CHECK(found["note"].get<std::string>().find("prefix") != std::string::npos);
    CHECK(api_json(srv.port(), "/api/telemetry/customer/2001:db8:1:23ff::1")["rows"].size() == 1);
  }
  SUBCASE("none") {
    TestServer srv(false, {}, kKeyed + "telemetry_store_ip=none\n");
    REQUIRE(submit(srv.port()).result_int() == 201);
    CHECK(api_json(srv.port(), "/api/telemetry/recent")["rows"][0]["client_ip"].is_null());
    CHECK(api_json(srv.port(), "/api/telemetry/customer/127.0.0.1")["rows"].empty());
  }
}

TEST_CASE("retention: telemetry_max_rows keeps the newest rows, telemetry_max_age_days drops old ones") {
  TestServer srv(false, {}, kKeyed + "telemetry_max_rows=3\ntelemetry_max_age_days=30\n");
  const auto db = srv.root() / "data" / "bloatmeter.sqlite";
  insert_rows(db, 2, std::time(nullptr) - 31LL * 86400);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(json::parse(submit(srv.port()).body())["id"]);
  const auto rows = api_json(srv.port(), "/api/telemetry/recent")["rows"];
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["result_id"] == ids[4]);
  CHECK(rows[2]["result_id"] == ids[2]);
  // Old rows go by age even while the count allows them.
  insert_rows(db, 2, std::time(nullptr) - 31LL * 86400);
  CHECK(api_json(srv.port(), "/api/telemetry/recent")["rows"].size() == 5);  // 3 new + 2 old, not yet trimmed
  REQUIRE(submit(srv.port()).result_int() == 201);
  const auto after = api_json(srv.port(), "/api/telemetry/recent")["rows"];
  std::set<std::string> kept;
  for (const auto& row : after) kept.insert(row["result_id"].get<std::string>());
  CHECK(after.size() == 3);
  CHECK(kept.count("imported0") == 0);
}

TEST_CASE("the CSV export streams 100 000 rows in chunks with flat memory, under the same filters") {
  TestServer srv(false, {}, kKeyed + "telemetry_max_rows=200000\n");
  const auto db = srv.root() / "data" / "bloatmeter.sqlite";
  insert_rows(db, 100'000, std::time(nullptr) - 3600);
  REQUIRE(submit(srv.port()).result_int() == 201);

  // Read as it comes, a piece at a time, sampling this process's memory
  // (the server runs in it too).
  net::io_context ioc;
  auto s = connect_loopback(ioc, srv.port());
  http::request<http::string_body> req{http::verb::get, "/api/telemetry/export.csv", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, "Bearer " + kKey);
  http::write(s, req);
  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  http::read_header(s, buf, parser);
  CHECK(parser.get()[http::field::content_type] == "text/csv; charset=utf-8");
  CHECK(parser.get().chunked());
  const auto rss_before = rss_kib();
  std::int64_t rss_peak = rss_before;
  std::size_t bytes = 0, lines = 0;
  std::string first_line;
  char piece[16384];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    boost::system::error_code ec;
    http::read(s, buf, parser, ec);
    if (ec && ec != http::error::need_buffer) FAIL(ec.message());
    const std::size_t got = sizeof piece - parser.get().body().size;
    for (std::size_t i = 0; i < got; ++i) {
      if (lines == 0 && piece[i] != '\n') first_line += piece[i];
      if (piece[i] == '\n') ++lines;
    }
    bytes += got;
    rss_peak = std::max(rss_peak, rss_kib());
  }
  CHECK(lines == 100'002);  // header, 100 000 imported, 1 submitted
  CHECK(first_line.starts_with("seq,result_id,created_at"));
  INFO("export " << bytes / 1024 << " KiB, memory grew by " << (rss_peak - rss_before) << " KiB");
  CHECK(bytes > 10'000'000);
  CHECK(rss_peak - rss_before < 8192);  // far under the export's size: one batch at a time

  // Filters apply to the export as to the API.
  const auto filtered = api(srv.port(), "/api/telemetry/export.csv?grade=C");
  REQUIRE(filtered.result_int() == 200);
  CHECK(std::count(filtered.body().begin(), filtered.body().end(), '\n') == 2);
}
