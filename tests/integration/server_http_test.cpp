#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "echo_delay_record.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;

namespace {
json body_json(const Response& r) { return json::parse(r.body()); }
bool is_json_error(const Response& r, int status) {
  if (static_cast<int>(r.result_int()) != status) return false;
  if (r[http::field::content_type] != "application/json") return false;
  const auto j = body_json(r);
  return j.contains("error") && j["error"].is_string() && j["status"] == status;
}
}  // namespace

TEST_CASE("health reports status, version, uptime and active connections") {
  TestServer srv;
  const auto r = get(srv.port(), "/api/health");
  CHECK(r.result() == http::status::ok);
  CHECK(r[http::field::content_type] == "application/json");
  const auto j = body_json(r);
  CHECK(j["status"] == "ok");
  CHECK(j["version"] == "0.1.0");
  CHECK(j["uptime_seconds"].get<double>() >= 0.0);
  CHECK(j["active_connections"].get<int>() >= 1);  // this request's own connection
}

TEST_CASE("active connections count open connections") {
  TestServer srv;
  net::io_context ioc;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect_loopback(ioc, srv.port()));
  // Accepts are asynchronous: poll until the server has seen all three.
  int seen = 0;
  for (int i = 0; i < 100 && seen < 4; ++i) {
    seen = body_json(get(srv.port(), "/api/health"))["active_connections"].get<int>();
    if (seen < 4) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(seen == 4);
}

TEST_CASE("ping is tiny and never cached") {
  TestServer srv;
  const auto r = get(srv.port(), "/ping");
  CHECK(r.result() == http::status::ok);
  CHECK(r.body().size() <= 8);
  CHECK(std::string(r[http::field::cache_control]).find("no-store") != std::string::npos);
  CHECK(request(srv.port(), http::verb::post, "/ping", "x").result() == http::status::method_not_allowed);
}

TEST_CASE("static files are served with the right MIME type and cache policy") {
  TestServer srv;
  struct Case {
    const char* path;
    const char* mime;
    const char* cache;
  };
  const Case cases[] = {
      {"/", "text/html; charset=utf-8", "no-cache"},
      {"/index.html", "text/html; charset=utf-8", "no-cache"},
      {"/app.js", "text/javascript; charset=utf-8", "no-cache"},
      {"/app.wasm", "application/wasm", "no-cache"},
      {"/fonts/ui.ttf", "font/ttf", "public, max-age=86400"},
      {"/docs/", "text/html; charset=utf-8", "no-cache"},
      {"/docs", "text/html; charset=utf-8", "no-cache"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    const auto r = get(srv.port(), c.path);
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_type] == c.mime);
    CHECK(r[http::field::cache_control] == c.cache);
  }
  CHECK(get(srv.port(), "/app.wasm").body() == std::string("\0asm\1\0\0\0", 8));
  CHECK(get(srv.port(), "/index.html?v=3").result() == http::status::ok);
}

TEST_CASE("conditional requests and HEAD") {
  TestServer srv;
  const auto first = get(srv.port(), "/app.js");
  const std::string etag(first[http::field::etag]);
  REQUIRE_FALSE(etag.empty());
  const auto again = request(srv.port(), http::verb::get, "/app.js", {}, {{http::field::if_none_match, etag}});
  CHECK(again.result() == http::status::not_modified);
  CHECK(again.body().empty());
  const auto head = request(srv.port(), http::verb::head, "/app.js");
  CHECK(head.result() == http::status::ok);
  CHECK(head[http::field::content_length] == std::to_string(first.body().size()));
}

TEST_CASE("missing files and unknown API paths are JSON 404s") {
  TestServer srv;
  CHECK(is_json_error(get(srv.port(), "/nope.html"), 404));
  CHECK(is_json_error(get(srv.port(), "/api/nothing"), 404));
  CHECK(is_json_error(get(srv.port(), "/fonts/"), 404));  // no index.html there
}

TEST_CASE("directory traversal never escapes the web root") {
  TestServer srv;
  // Sent raw: an HTTP library would normalize some of these away.
  const char* attempts[] = {
      "/../secret.txt",         "/..%2fsecret.txt",      "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
      "/docs/../../secret.txt", "/docs/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
      "//etc/passwd",           "/link.txt",             "/%00index.html",     "/%zz",
      "/docs/./index.html",
  };
  for (const char* a : attempts) {
    CAPTURE(a);
    const auto reply = raw_exchange(srv.port(), std::string("GET ") + a + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const bool refused = reply.rfind("HTTP/1.1 400", 0) == 0 || reply.rfind("HTTP/1.1 404", 0) == 0;
    CHECK(refused);
    CHECK(reply.find("do not serve") == std::string::npos);
    CHECK(reply.find("application/json") != std::string::npos);
  }
}

TEST_CASE("malformed requests get a JSON 4xx and the server keeps serving") {
  TestServer srv;
  const std::string bad[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
  };
  for (const auto& b : bad) {
    CAPTURE(b);
    const auto reply = raw_exchange(srv.port(), b);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(reply.find("\"error\"") != std::string::npos);
  }
  const auto big_header = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n";
  CHECK(raw_exchange(srv.port(), big_header).rfind("HTTP/1.1 431", 0) == 0);
  const auto big_body = "POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n";
  CHECK(raw_exchange(srv.port(), big_body).rfind("HTTP/1.1 413", 0) == 0);
  CHECK(get(srv.port(), "/api/health").result() == http::status::ok);
}

TEST_CASE("HTTPS serves the same routes with a generated self-signed certificate") {
  TestServer srv(true);
  REQUIRE(srv.tls_port() != 0);
  const auto r = tls_get(srv.tls_port(), "/api/health");
  CHECK(r.result() == http::status::ok);
  CHECK(body_json(r)["status"] == "ok");
  CHECK(tls_get(srv.tls_port(), "/app.wasm")[http::field::content_type] == "application/wasm");
  CHECK(fs::exists(srv.root() / "data" / "tls" / "cert.pem"));
  const auto key_perms = fs::status(srv.root() / "data" / "tls" / "key.pem").permissions();
  CHECK((key_perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  // Plain HTTP sent to the TLS port is dropped, not answered or crashed on.
  CHECK(raw_exchange(srv.tls_port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").find("200 OK") == std::string::npos);
  CHECK(tls_get(srv.tls_port(), "/ping").result() == http::status::ok);
}

TEST_CASE("WebSocket upgrades to unknown paths are refused with a JSON 404") {
  TestServer srv;
  const auto reply = raw_exchange(srv.port(),
                                  "GET /ws/nothing HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("the health endpoint's echo p99 is the core's percentile, the one the server-busy flag uses") {
  bloatmeter::server::EchoDelayRecord record;
  for (std::uint32_t d = 10; d <= 100; d += 10) record.record(1000, d);
  const auto summary = record.recent(1000, 60'000);
  CHECK(summary.count == 10);
  CHECK(summary.p99_us == 99);  // interpolated between 90 and 100; nearest rank would say 100
  CHECK(summary.max_us == 100);
  CHECK(record.recent(100'000, 60'000).count == 0);  // older than the window
}
