// Hostile and unlucky input (issue: hardening): each case here once
// stalled, crashed or misled the server.
#include <array>
#include <doctest/doctest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "bloatmeter/result_json.hpp"
#include "http_client.hpp"
#include "sample_run.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;
namespace bm = bloatmeter;

namespace {

Response post(std::uint16_t port, const std::string& target, const std::string& body,
              std::initializer_list<std::pair<http::field, std::string>> headers = {}) {
  return request(port, http::verb::post, target, body, headers);
}

TestServer server_with(const std::string& config) { return TestServer(false, {}, config); }

// Reads a response's bytes slowly: `chunk` bytes, then a pause, until the
// server closes or `total` bytes came. Returns how many came.
std::size_t slow_read(tcp::socket& s, std::size_t total, std::size_t chunk, std::chrono::milliseconds pause) {
  std::vector<char> buf(chunk);
  std::size_t got = 0;
  beast::error_code ec;
  while (got < total) {
    const auto n = s.read_some(net::buffer(buf), ec);
    if (ec) break;
    got += n;
    std::this_thread::sleep_for(pause);
  }
  return got;
}

tcp::socket connect_small_window(net::io_context& ioc, std::uint16_t port) {
  tcp::socket s(ioc);
  s.open(tcp::v4());
  s.set_option(net::socket_base::receive_buffer_size(64 * 1024));
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  return s;
}

}  // namespace

TEST_CASE("a result whose numbers no real plan produces gets 422 naming the field, and the server goes on") {
  TestServer srv;
  // Once: a 4e18 µs warm-up judged in 1 µs spans pinned the results thread
  // for good, and every later submission queued behind it.
  auto doc = bm::to_json(sample_run());
  doc["plan"]["phases"][1]["duration_us"] = 4'000'000'000'000'000'000LL;
  doc["plan"]["stream_add_interval_us"] = 1;
  doc["raw"]["phases"][1]["end_us"] = 4'000'000'000'000'000'000LL;
  auto r = post(srv.port(), "/api/results", doc.dump());
  CHECK(r.result() == http::status::unprocessable_entity);
  CHECK(json::parse(r.body())["error"] == "plan.phases[1].duration_us: must be from 0 to 3600000000");

  doc = bm::to_json(sample_run());
  doc["plan"]["stream_add_interval_us"] = 1;
  r = post(srv.port(), "/api/results", doc.dump());
  CHECK(r.result() == http::status::unprocessable_entity);
  CHECK(json::parse(r.body())["error"].get<std::string>().find("plan.stream_add_interval_us") == 0);

  // Not JSON at all stays a bad request.
  CHECK(post(srv.port(), "/api/results", "{nope").result() == http::status::bad_request);
  // A real one is stored at once.
  CHECK(post(srv.port(), "/api/results", bm::serialize_result(sample_run())).result() == http::status::created);
}

TEST_CASE("a slow but steady reader gets a whole download and a whole file, past the request timeout") {
  // Once: the header's 30 s deadline ran on through the answer and cut any
  // download, file or late 201 that took longer.
  auto srv = server_with("request_timeout_seconds=1\nidle_timeout_seconds=1\nwrite_stall_seconds=3\n");
  constexpr std::size_t kBytes = 24 * 1024 * 1024;
  {
    net::io_context ioc;
    auto s = connect_small_window(ioc, srv.port());
    const std::string req = "GET /download?bytes=" + std::to_string(kBytes) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    net::write(s, net::buffer(req));
    const auto start = std::chrono::steady_clock::now();
    const auto got = slow_read(s, kBytes + 100, 128 * 1024, std::chrono::milliseconds(10));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took > std::chrono::seconds(1));  // the case: longer than the request timeout
    CHECK(got > kBytes);                     // every body byte (and the header)
  }
  write_file(srv.root() / "web" / "big.bin", std::string(kBytes, 'b'));
  {
    net::io_context ioc;
    auto s = connect_small_window(ioc, srv.port());
    net::write(s, net::buffer(std::string("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
    const auto start = std::chrono::steady_clock::now();
    const auto got = slow_read(s, kBytes + 1000, 128 * 1024, std::chrono::milliseconds(10));
    CHECK(std::chrono::steady_clock::now() - start > std::chrono::seconds(1));
    CHECK(got > kBytes);
  }
}

TEST_CASE("a reader that stops reading is dropped, and a transfer ends by its own limit") {
  auto srv = server_with("write_stall_seconds=1\nmax_transfer_seconds=2\n");
  {
    // Never reads: dropped once a piece has waited a second.
    net::io_context ioc;
    auto s = connect_small_window(ioc, srv.port());
    net::write(s, net::buffer(std::string("GET /download HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    const auto got = slow_read(s, std::size_t{1} << 30, 1 << 20, std::chrono::milliseconds(0));
    CHECK(got < (std::size_t{64} << 20));
  }
  {
    // Reads steadily, but 1 GiB at this pace would take minutes: ended at
    // max_transfer_seconds.
    net::io_context ioc;
    auto s = connect_small_window(ioc, srv.port());
    net::write(s, net::buffer(std::string("GET /download HTTP/1.1\r\nHost: x\r\n\r\n")));
    const auto start = std::chrono::steady_clock::now();
    const auto got = slow_read(s, std::size_t{1} << 30, 64 * 1024, std::chrono::milliseconds(5));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(got < (std::size_t{1} << 30));
    CHECK(took >= std::chrono::milliseconds(1900));
    CHECK(took < std::chrono::seconds(10));
  }
}

TEST_CASE("a config that is not UTF-8 is refused at load, naming the line") {
  const auto dir = make_temp_dir("latin1");
  write_file(dir / "bloatmeter.conf", "sponsor_name=Example\nsponsor_city=G\xE9nt\n");
  auto opts = bloatmeter::server::parse_server_options({"--config", (dir / "bloatmeter.conf").string()});
  REQUIRE_FALSE(opts.ok());
  CHECK(opts.error().find("line 2: not valid UTF-8") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("text that is not UTF-8 reaching an answer is replaced, never thrown on an I/O thread") {
  // Defence in depth behind the load-time check: options made in code skip it.
  const auto root = make_temp_dir("utf8");
  write_file(root / "web" / "index.html", "<p>x</p>");
  auto opts = bloatmeter::server::parse_server_options(
      {"--listen", "127.0.0.1:0", "--web-root", (root / "web").string(), "--data-dir", (root / "data").string()});
  REQUIRE(opts.ok());
  opts.value().config_values["sponsor_city"] = "G\xE9nt";
  bloatmeter::server::Server server(std::move(opts.value()));
  REQUIRE(server.start().empty());
  std::thread runner([&] { server.run(); });
  const auto r = get(server.http_port(), "/api/sponsor");
  CHECK(r.result() == http::status::ok);
  CHECK(json::parse(r.body())["city"] == "G\xEF\xBF\xBDnt");  // U+FFFD
  CHECK(get(server.http_port(), "/api/health").result() == http::status::ok);
  server.stop();
  runner.join();
  fs::remove_all(root);
}

TEST_CASE("HEAD on every JSON route sends the header alone, so a kept-alive connection stays in step") {
  TestServer srv;
  for (const char* path : {"/api/health", "/api/sponsor", "/virtual-household/health", "/virtual-household/stats",
                           "/virtual-household/profiles", "/api/nope", "/ping"}) {
    CAPTURE(path);
    const auto get_body = get(srv.port(), path).body();
    const std::string out =
        raw_exchange(srv.port(), std::string("HEAD ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n" +
                                     "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto end_of_head = out.find("\r\n\r\n");
    REQUIRE(end_of_head != std::string::npos);
    // The HEAD's Content-Length is the GET's body length (health and stats
    // change between calls, so only a non-zero length is asked of them).
    CHECK(out.find("Content-Length: 0\r\n") > end_of_head);
    // Right after the HEAD's header comes the next response, not a body.
    CHECK(out.compare(end_of_head + 4, 9, "HTTP/1.1 ") == 0);
    CHECK(out.ends_with("pong"));
    CHECK_FALSE(get_body.empty());
  }
}

TEST_CASE("result submissions beyond max_concurrent_submissions get 503 with Retry-After") {
  auto srv = server_with("max_concurrent_submissions=1\n");
  // One submission holds the only place while its body trickles in.
  net::io_context ioc;
  auto held = connect_loopback(ioc, srv.port());
  const auto body = bm::serialize_result(sample_run());
  const std::string head = "POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  net::write(held, net::buffer(head + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto busy = post(srv.port(), "/api/results", body);
  CHECK(busy.result() == http::status::service_unavailable);
  CHECK(busy[http::field::retry_after] == "5");
  CHECK(json::parse(busy.body())["retry_after_seconds"] == 5);
  // The held one completes, and its place is free again.
  net::write(held, net::buffer(body.substr(10)));
  beast::flat_buffer buf;
  Response first;
  http::read(held, buf, first);
  CHECK(first.result() == http::status::created);
  CHECK(post(srv.port(), "/api/results", body).result() == http::status::created);
}

TEST_CASE("every answer carries the security headers; 405s say what is allowed") {
  TestServer srv(true);
  for (const char* path : {"/", "/api/health", "/api/nope", "/ping", "/virtual-household/profiles"}) {
    CAPTURE(path);
    const auto r = get(srv.port(), path);
    const std::string csp(r["Content-Security-Policy"]);
    CHECK(csp.find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'self'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(r["X-Content-Type-Options"] == "nosniff");
    CHECK(r["Referrer-Policy"] == "no-referrer");
    CHECK(r.find("Strict-Transport-Security") == r.end());  // plain HTTP: never
    const auto s = tls_get(srv.tls_port(), path);
    CHECK(s["Strict-Transport-Security"] == "max-age=31536000");
    CHECK(s["Content-Security-Policy"] == csp);
  }
  const auto r = request(srv.port(), http::verb::delete_, "/api/health");
  CHECK(r.result() == http::status::method_not_allowed);
  CHECK(r[http::field::allow] == "GET, HEAD");
  CHECK(request(srv.port(), http::verb::get, "/api/results")[http::field::allow] == "POST");
  CHECK(request(srv.port(), http::verb::put, "/index.html")[http::field::allow] == "GET, HEAD");
}

TEST_CASE("pages of other origins may not submit results or open WebSockets; allowed_origins adds some") {
  TestServer srv;
  const auto body = bm::serialize_result(sample_run());
  const std::string own = "http://127.0.0.1:" + std::to_string(srv.port());
  CHECK(post(srv.port(), "/api/results", body, {{http::field::origin, "https://evil.example"}}).result() ==
        http::status::forbidden);
  CHECK(post(srv.port(), "/api/results", body, {{http::field::origin, "null"}}).result() == http::status::forbidden);
  CHECK(post(srv.port(), "/upload", "abc", {{http::field::origin, "https://evil.example"}}).result() ==
        http::status::forbidden);
  // The server's own page (its origin is the Host it was reached by), and
  // the native client, which sends no Origin.
  auto own_post = request(srv.port(), http::verb::post, "/api/results", body,
                          {{http::field::origin, own}, {http::field::host, own.substr(7)}});
  CHECK(own_post.result() == http::status::created);
  CHECK(post(srv.port(), "/api/results", body).result() == http::status::created);

  const auto upgrade = [&](std::uint16_t port, const std::string& origin) {
    net::io_context ioc;
    websocket::stream<tcp::socket> ws(ioc);
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/ws/probe", ec);
    return res.result();
  };
  CHECK(upgrade(srv.port(), "https://evil.example") == http::status::forbidden);
  CHECK(upgrade(srv.port(), own) == http::status::switching_protocols);

  auto isp = server_with("allowed_origins=https://www.isp.example, http://Speed.ISP.example:80\n");
  CHECK(upgrade(isp.port(), "https://www.isp.example") == http::status::switching_protocols);
  CHECK(upgrade(isp.port(), "http://speed.isp.example") == http::status::switching_protocols);
  CHECK(upgrade(isp.port(), "https://evil.example") == http::status::forbidden);
  const std::string csp(get(isp.port(), "/")["Content-Security-Policy"]);
  CHECK(csp.find("frame-ancestors 'self' https://www.isp.example http://speed.isp.example") != std::string::npos);

  const auto dir = make_temp_dir("origins");
  write_file(dir / "bad.conf", "allowed_origins=www.isp.example\n");
  const auto bad = bloatmeter::server::parse_server_options({"--config", (dir / "bad.conf").string()});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("allowed_origins: 'www.isp.example' is not an origin") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a fleet's page reads the API of servers that list its origin by name (CORS), and nothing else") {
  const std::string page = "https://speed.isp.example";
  auto srv = server_with("allowed_origins=https://Speed.ISP.example:443 *\n"
                         "connect_origins=https://fra.isp.example, http://127.0.0.1:8080\n");
  const auto ask = [&](http::verb verb, const std::string& target, const std::string& origin,
                       const std::string& body = {}) {
    return request(srv.port(), verb, target, body, {{http::field::origin, origin}});
  };
  // Listed by name: the API's answers, errors included, name the page's
  // origin; the answer varies by Origin.
  for (const char* target : {"/api/health", "/ping", "/api/test-slot", "/api/sponsor", "/api/no-such-thing"}) {
    const auto r = ask(http::verb::get, target, page);
    CHECK_MESSAGE(r[http::field::access_control_allow_origin] == page, target);
    CHECK_MESSAGE(r[http::field::vary] == "Origin", target);
  }
  const auto upload = ask(http::verb::post, "/upload", page, std::string(1000, 'x'));
  CHECK(upload.result() == http::status::ok);
  CHECK(upload[http::field::access_control_allow_origin] == page);
  const auto stored = ask(http::verb::post, "/api/results", page, bm::serialize_result(sample_run()));
  CHECK(stored.result() == http::status::created);
  CHECK(stored[http::field::access_control_allow_origin] == page);
  // "*" lets any page open lanes (the POST passes) but read nothing; the
  // static site and the metrics are never readable cross-origin.
  const auto anyone = ask(http::verb::post, "/api/results", "https://evil.example", bm::serialize_result(sample_run()));
  CHECK(anyone.result() == http::status::created);
  CHECK(anyone.find(http::field::access_control_allow_origin) == anyone.end());
  const auto null_origin = ask(http::verb::get, "/api/health", "null");
  CHECK(null_origin.find(http::field::access_control_allow_origin) == null_origin.end());
  for (const char* target : {"/", "/index.html", "/metrics"}) {
    const auto r = ask(http::verb::get, target, page);
    CHECK_MESSAGE(r.find(http::field::access_control_allow_origin) == r.end(), target);
    CHECK_MESSAGE(r.find(http::field::vary) == r.end(), target);
  }
  // Preflight: a JSON POST and the operator's Authorization header.
  const auto preflight = [&](const std::string& origin, const std::string& target) {
    return request(srv.port(), http::verb::options, target, {},
                   {{http::field::origin, origin},
                    {http::field::access_control_request_method, "POST"},
                    {http::field::access_control_request_headers, "content-type"}});
  };
  const auto ok = preflight(page, "/api/results");
  CHECK(ok.result() == http::status::no_content);
  CHECK(ok[http::field::access_control_allow_origin] == page);
  CHECK(ok[http::field::access_control_allow_methods] == "GET, HEAD, POST, DELETE");
  CHECK(std::string(ok[http::field::access_control_allow_headers]).find("Authorization") != std::string::npos);
  CHECK(ok[http::field::access_control_max_age] == "600");
  CHECK(ok.find(http::field::access_control_allow_credentials) == ok.end());
  const auto refused = preflight("https://evil.example", "/api/results");
  CHECK(refused.result() == http::status::forbidden);
  CHECK(refused.find(http::field::access_control_allow_origin) == refused.end());
  CHECK(preflight(page, "/index.html").result() == http::status::forbidden);
  // An OPTIONS that is no preflight is an ordinary request the route refuses.
  CHECK(request(srv.port(), http::verb::options, "/api/health").result() == http::status::method_not_allowed);
  // The page of this server may talk to the fleet: each origin and its
  // WebSocket twin join connect-src.
  const std::string csp(get(srv.port(), "/")["Content-Security-Policy"]);
  CHECK(csp.find("connect-src 'self' https://fra.isp.example wss://fra.isp.example http://127.0.0.1:8080 "
                 "ws://127.0.0.1:8080;") != std::string::npos);
  // Without allowed_origins nothing varies and nothing is readable.
  TestServer plain;
  const auto alone = request(plain.port(), http::verb::get, "/api/health", {}, {{http::field::origin, page}});
  CHECK(alone.find(http::field::access_control_allow_origin) == alone.end());
  CHECK(alone.find(http::field::vary) == alone.end());
  CHECK(std::string(get(plain.port(), "/")["Content-Security-Policy"]).find("connect-src 'self';") != std::string::npos);

  const auto dir = make_temp_dir("connect-origins");
  for (const char* bad : {"connect_origins=fra.isp.example\n", "connect_origins=*\n"}) {
    write_file(dir / "bad.conf", bad);
    const auto parsed = bloatmeter::server::parse_server_options({"--config", (dir / "bad.conf").string()});
    REQUIRE_FALSE(parsed.ok());
    CHECK_MESSAGE(parsed.error().find("connect_origins: '") != std::string::npos, parsed.error());
  }
  fs::remove_all(dir);
}

TEST_CASE("the log is rate-limited per topic and says how much it held back") {
  using bloatmeter::server::log_event;
  using bloatmeter::server::LogLevel;
  const auto before = bloatmeter::server::log_suppressed_total();
  int written = 0;
  for (int i = 0; i < 25; ++i) written += log_event(LogLevel::Warning, "test-flood", "line " + std::to_string(i)) ? 1 : 0;
  CHECK(written == bloatmeter::server::kLogBurst);
  CHECK(bloatmeter::server::log_suppressed_total() - before == 25 - bloatmeter::server::kLogBurst);
  // Another topic has its own budget.
  CHECK(log_event(LogLevel::Info, "test-other", "still heard"));
}

TEST_CASE("one address may hold max_connections_per_address connections; one more gets 503 + Retry-After") {
  auto srv = server_with("max_connections_per_address=3\n");
  net::io_context ioc;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect_loopback(ioc, srv.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto refused = get(srv.port(), "/api/health");
  CHECK(refused.result() == http::status::service_unavailable);
  CHECK(refused[http::field::retry_after] == "5");
  CHECK(json::parse(refused.body())["error"].get<std::string>().find("max_connections_per_address") !=
        std::string::npos);
  held.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(get(srv.port(), "/api/health").result() == http::status::ok);
}

TEST_CASE("a connection over the limits that never sends its request is closed in seconds, not at the request timeout") {
  auto srv = server_with("max_connections_per_address=2\nrequest_timeout_seconds=30\n");
  net::io_context ioc;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 2; ++i) held.push_back(connect_loopback(ioc, srv.port()));
  auto extra = connect_loopback(ioc, srv.port());  // one too many, silent (slowloris)
  const auto start = std::chrono::steady_clock::now();
  std::array<char, 64> sink{};
  beast::error_code ec;
  extra.read_some(net::buffer(sink), ec);  // returns when the server closes it
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(ec);
  CHECK(took >= std::chrono::milliseconds(1500));
  CHECK(took < std::chrono::seconds(6));
  // Within the limits the first request still gets the full request timeout.
  beast::error_code ec2;
  held.front().non_blocking(true);
  held.front().read_some(net::buffer(sink), ec2);
  CHECK(ec2 == net::error::would_block);
}

TEST_CASE("tests beyond max_tests_per_address are refused at the probe lane with 503 + Retry-After") {
  auto srv = server_with("max_tests_per_address=1\n");
  const auto probe_upgrade = [&](websocket::stream<tcp::socket>& ws) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1", "/ws/probe", ec);
    return res;
  };
  net::io_context ioc;
  websocket::stream<tcp::socket> first(ioc), second(ioc), third(ioc);
  REQUIRE(probe_upgrade(first).result() == http::status::switching_protocols);
  const auto refused = probe_upgrade(second);
  CHECK(refused.result() == http::status::service_unavailable);
  CHECK(refused[http::field::retry_after] == "5");
  CHECK(refused.body().find("max_tests_per_address") != std::string::npos);
  first.close(websocket::close_code::normal);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(probe_upgrade(third).result() == http::status::switching_protocols);
}

TEST_CASE("load streams beyond max_streams_per_test per running test are refused with 503 + Retry-After") {
  auto srv = server_with("max_streams_per_test=2\n");
  net::io_context ioc;
  const auto upgrade = [&](websocket::stream<tcp::socket>& ws, const char* path) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1", path, ec);
    return res.result();
  };
  // No test running yet: one test's worth (2), either direction.
  websocket::stream<tcp::socket> down(ioc), up(ioc), third(ioc), probe(ioc), fourth(ioc), fifth(ioc), sixth(ioc);
  REQUIRE(upgrade(down, "/ws/bulk-download") == http::status::switching_protocols);
  REQUIRE(upgrade(up, "/ws/bulk-upload") == http::status::switching_protocols);
  websocket::response_type refused;
  {
    third.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
    beast::error_code ec;
    third.handshake(refused, "127.0.0.1", "/ws/bulk-upload", ec);
  }
  CHECK(refused.result() == http::status::service_unavailable);
  CHECK(refused[http::field::retry_after] == "5");
  CHECK(refused.body().find("max_streams_per_test") != std::string::npos);
  // One running test (its probe lane) still allows 2 in all; a second
  // test from the address would allow 4.
  REQUIRE(upgrade(probe, "/ws/probe") == http::status::switching_protocols);
  CHECK(upgrade(fourth, "/ws/bulk-download") == http::status::service_unavailable);
  // A stream that ends gives its place back.
  down.close(websocket::close_code::normal);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(upgrade(fifth, "/ws/bulk-download") == http::status::switching_protocols);
  CHECK(upgrade(sixth, "/ws/bulk-download") == http::status::service_unavailable);
}

TEST_CASE("a lane kept alive by pings is closed at max_test_seconds") {
  auto srv = server_with("max_test_seconds=2\n");
  WsClient lane(srv.port(), "/ws/probe");
  const auto start = std::chrono::steady_clock::now();
  beast::flat_buffer buf;
  beast::error_code ec;
  lane.ws.read(buf, ec);  // nothing to read: returns when the server ends the lane
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(ec);
  CHECK(took >= std::chrono::milliseconds(1500));
  CHECK(took < std::chrono::seconds(6));
}

TEST_CASE("result submissions beyond submissions_per_minute_per_address get 429 + Retry-After") {
  auto srv = server_with("submissions_per_minute_per_address=2\n");
  const auto body = bm::serialize_result(sample_run());
  CHECK(post(srv.port(), "/api/results", body).result() == http::status::created);
  CHECK(post(srv.port(), "/api/results", body).result() == http::status::created);
  const auto third = post(srv.port(), "/api/results", body);
  CHECK(third.result() == http::status::too_many_requests);
  CHECK(third[http::field::retry_after] == "5");
}

TEST_CASE("IPv6 clients count by their /64, IPv4 clients by address") {
  using bloatmeter::server::limit_key;
  CHECK(limit_key(net::ip::make_address("2001:2:0:1::5")) == "2001:2:0:1::/64");
  CHECK(limit_key(net::ip::make_address("2001:2:0:1:abcd::9")) == "2001:2:0:1::/64");
  CHECK(limit_key(net::ip::make_address("2001:2:0:2::5")) == "2001:2:0:2::/64");
  CHECK(limit_key(net::ip::make_address("198.18.0.7")) == "198.18.0.7");
  CHECK(limit_key(net::ip::make_address("::ffff:198.18.0.7")) == "198.18.0.7");
}

TEST_CASE("GET /api/test-slot says whether a test could start now, and why not") {
  auto srv = server_with("max_tests=1\n");
  auto free_slot = get(srv.port(), "/api/test-slot");
  CHECK(free_slot.result() == http::status::ok);
  CHECK(json::parse(free_slot.body())["available"] == true);
  WsClient lane(srv.port(), "/ws/probe");  // the one test the server may run
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto busy = get(srv.port(), "/api/test-slot");
  CHECK(busy.result() == http::status::service_unavailable);
  CHECK(busy[http::field::retry_after] == "5");
  CHECK(json::parse(busy.body())["error"].get<std::string>().find("max_tests") != std::string::npos);
  lane.ws.close(websocket::close_code::normal);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(get(srv.port(), "/api/test-slot").result() == http::status::ok);
}
