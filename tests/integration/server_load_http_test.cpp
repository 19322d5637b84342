#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "test_server.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;

TEST_CASE("GET /download?bytes=N streams exactly N uncacheable bytes") {
  TestServer srv;
  for (const std::uint64_t n : {0ull, 1ull, 65536ull, 5'000'007ull}) {
    CAPTURE(n);
    const auto r = get(srv.port(), "/download?bytes=" + std::to_string(n));
    CHECK(r.result() == http::status::ok);
    CHECK(r.body().size() == n);
    CHECK(r[http::field::cache_control] == "no-store");
    CHECK(r[http::field::content_type] == "application/octet-stream");
  }
  // Large enough to wrap around the pool more than once.
  CHECK(get(srv.port(), "/download?bytes=9000001").body().size() == 9'000'001u);
  for (const char* bad : {"/download?bytes=abc", "/download?bytes=-1", "/download?bytes=1073741825"}) {
    CAPTURE(bad);
    CHECK(get(srv.port(), bad).result() == http::status::bad_request);
  }
  CHECK(request(srv.port(), http::verb::post, "/download", "x").result() == http::status::method_not_allowed);
}

TEST_CASE("GET /download without bytes announces 1 GiB") {
  TestServer srv;
  net::io_context ioc;
  auto s = connect_loopback(ioc, srv.port());
  http::request<http::empty_body> req{http::verb::get, "/download", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response_parser<http::empty_body> parser;
  parser.body_limit(boost::none);  // only the header is read
  http::read_header(s, buf, parser);
  REQUIRE(parser.content_length().has_value());
  CHECK(*parser.content_length() == std::uint64_t{1} << 30);
}

TEST_CASE("POST /upload counts the body exactly and the connection stays usable") {
  TestServer srv;
  for (const std::size_t n : {0u, 1u, 65536u, 3'000'001u}) {
    CAPTURE(n);
    const auto r = request(srv.port(), http::verb::post, "/upload", std::string(n, 'z'));
    REQUIRE(r.result() == http::status::ok);
    const auto j = json::parse(r.body());
    CHECK(j["bytes"].get<std::uint64_t>() == n);
    CHECK(j["duration_ms"].get<double>() >= 0.0);
  }
  // Chunked uploads are counted too (payload only, not chunk framing), and
  // keep-alive works after a streamed body.
  net::io_context ioc;
  auto s = connect_loopback(ioc, srv.port());
  const std::string chunked =
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  for (int round = 0; round < 2; ++round) {
    net::write(s, net::buffer(chunked));
    beast::flat_buffer buf;
    Response r;
    http::read(s, buf, r);
    CHECK(json::parse(r.body())["bytes"] == 11);
  }
  // Declared bodies over 1 GiB are refused before any byte is read.
  CHECK(raw_exchange(srv.port(), "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741825\r\n\r\n")
            .rfind("HTTP/1.1 413", 0) == 0);
}

TEST_CASE("sponsor is empty without config and read from config keys") {
  {
    TestServer srv;
    const auto j = json::parse(get(srv.port(), "/api/sponsor").body());
    CHECK(j == json{{"name", ""}, {"url", ""}, {"city", ""}});
  }
  const auto dir = make_temp_dir("sponsor");
  write_file(dir / "bloatmeter.conf",
             "sponsor_name=Example ISP\nsponsor_url=https://isp.example/\nsponsor_city=Springfield\n");
  {
    TestServer srv(false, {"--config", (dir / "bloatmeter.conf").string()});
    const auto r = get(srv.port(), "/api/sponsor");
    CHECK(r.result() == http::status::ok);
    const auto j = json::parse(r.body());
    CHECK(j["name"] == "Example ISP");
    CHECK(j["url"] == "https://isp.example/");
    CHECK(j["city"] == "Springfield");
  }
  fs::remove_all(dir);
}
