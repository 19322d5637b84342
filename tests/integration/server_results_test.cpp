#include <doctest/doctest.h>

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "http_client.hpp"
#include "sample_run.hpp"
#include "test_server.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;
namespace bm = bloatmeter;

namespace {

Response post_result(std::uint16_t port, const std::string& body) {
  return request(port, http::verb::post, "/api/results", body,
                 {{http::field::content_type, "application/json"}, {http::field::user_agent, "results-test/1"}});
}

struct Row {
  std::string client_ip, user_agent, overall, summary_json;
};

Row stored_row(const fs::path& db_file, const std::string& id) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT client_ip, user_agent, overall, summary_json FROM results WHERE id = ?1", -1,
                             &q, nullptr) == SQLITE_OK);
  sqlite3_bind_text(q, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  Row row;
  if (sqlite3_step(q) == SQLITE_ROW) {
    auto col = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, i))); };
    row = {col(0), col(1), col(2), col(3)};
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return row;
}

bool is_hex_id(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("a submitted result is stored with the server's summary, never the claimed one") {
  TestServer srv;
  const auto run = sample_run();
  const auto expected = bm::recompute(run);
  REQUIRE(expected.overall.has_value());
  REQUIRE(*expected.overall != bm::Grade::APlus);  // the claim really is fake

  const auto r = post_result(srv.port(), bm::serialize_result(run));
  REQUIRE(r.result() == http::status::created);
  const auto body = json::parse(r.body());
  const auto id = body["id"].get<std::string>();
  CHECK(is_hex_id(id));
  CHECK(body["summary"] == bm::to_json(expected));
  CHECK(body["overall"] == std::string(bm::to_string(*expected.overall)));

  // Shared: the document with the server's summary, and no IP anywhere.
  const auto g = get(srv.port(), "/api/results/" + id);
  REQUIRE(g.result() == http::status::ok);
  CHECK(g.body().find("127.0.0.1") == std::string::npos);
  const auto shared = json::parse(g.body());
  CHECK(shared["id"] == id);
  CHECK(shared["created_at"].get<std::string>().size() == 20);
  CHECK(shared["result"]["summary"] == bm::to_json(expected));
  const auto reparsed = bm::result_from_json(shared["result"]);
  REQUIRE_MESSAGE(reparsed.ok(), reparsed.error());
  CHECK(reparsed.value().raw.probes.size() == run.raw.probes.size());
  CHECK(!shared.contains("client_ip"));
  CHECK(!shared["result"].contains("client_ip"));

  // The database holds the IP and user agent for the operator.
  const auto row = stored_row(srv.root() / "data" / "bloatmeter.sqlite", id);
  CHECK(row.client_ip == "127.0.0.1");
  CHECK(row.user_agent == "results-test/1");
  CHECK(row.overall == std::string(bm::to_string(*expected.overall)));
  CHECK(json::parse(row.summary_json) == bm::to_json(expected));

  // Ids differ per submission.
  const auto again = json::parse(post_result(srv.port(), bm::serialize_result(run)).body());
  CHECK(again["id"] != id);
}

// Not JSON: 400. JSON that is not a result this server takes: 422.
TEST_CASE("malformed and wrong-version results are refused with a reason") {
  TestServer srv;
  auto r = post_result(srv.port(), "{not json");
  CHECK(r.result() == http::status::bad_request);
  CHECK(json::parse(r.body())["error"] == "not valid JSON");

  auto doc = bm::to_json(sample_run());
  doc["version"] = 2;
  r = post_result(srv.port(), doc.dump());
  CHECK(r.result() == http::status::unprocessable_entity);
  CHECK(json::parse(r.body())["error"].get<std::string>().find("unsupported result version 2") != std::string::npos);

  doc = bm::to_json(sample_run());
  doc["raw"]["probes"][0]["sent_us"] = "soon";
  r = post_result(srv.port(), doc.dump());
  CHECK(r.result() == http::status::unprocessable_entity);
  CHECK(json::parse(r.body())["error"].get<std::string>().find("raw.probes[0].sent_us") != std::string::npos);

  CHECK(request(srv.port(), http::verb::get, "/api/results").result() == http::status::method_not_allowed);
}

TEST_CASE("results over 8 MiB are refused with 413") {
  TestServer srv;
  // Declared too large: refused from the header alone.
  const auto declared = "POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                        std::to_string(bm::kMaxResultBytes + 1) + "\r\n\r\n";
  CHECK(raw_exchange(srv.port(), declared).rfind("HTTP/1.1 413", 0) == 0);
  // Sent chunked, so only counting the body can tell.
  net::io_context ioc;
  auto s = connect_loopback(ioc, srv.port());
  http::request<http::string_body> req{http::verb::post, "/api/results", 11};
  req.set(http::field::host, "127.0.0.1");
  req.chunked(true);
  req.body() = std::string(bm::kMaxResultBytes + 1, ' ');
  beast::error_code ec;
  http::write(s, req, ec);  // the server may stop reading early
  beast::flat_buffer buf;
  Response res;
  http::read(s, buf, res, ec);
  CHECK(res.result() == http::status::payload_too_large);
  // Exactly at the limit is still read (and then judged on content).
  const auto at_limit = post_result(srv.port(), std::string(bm::kMaxResultBytes, ' '));
  CHECK(at_limit.result() == http::status::bad_request);
}

TEST_CASE("unknown and malformed result ids are 404") {
  TestServer srv;
  for (const char* path : {"/api/results/0123456789abcdef0123456789abcdef", "/api/results/xyz",
                           "/api/results/0123456789ABCDEF0123456789ABCDEF", "/api/results/",
                           "/api/results/..%2F..%2Fetc", "/api/results/0123456789abcdef0123456789abcdef0"}) {
    CAPTURE(path);
    const auto r = get(srv.port(), path);
    CHECK(r.result() == http::status::not_found);
    CHECK(json::parse(r.body()).contains("error"));
  }
}

TEST_CASE("only the most recent results are kept (result_retention)") {
  const auto dir = make_temp_dir("retention");
  write_file(dir / "bloatmeter.conf", "result_retention=3\n");
  TestServer srv(false, {"--config", (dir / "bloatmeter.conf").string()});
  const auto doc = bm::serialize_result(sample_run());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(json::parse(post_result(srv.port(), doc).body())["id"]);
  CHECK(get(srv.port(), "/api/results/" + ids[0]).result() == http::status::not_found);
  CHECK(get(srv.port(), "/api/results/" + ids[1]).result() == http::status::not_found);
  for (int i = 2; i < 5; ++i) CHECK(get(srv.port(), "/api/results/" + ids[i]).result() == http::status::ok);
  fs::remove_all(dir);
}
