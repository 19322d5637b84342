#include <doctest/doctest.h>

#include "server_options.hpp"
#include "http_client.hpp"
#include "test_server.hpp"
#include "url_path.hpp"

using namespace bloatmeter::server;
using namespace bloatmeter::testing;

TEST_CASE("endpoints parse in every documented form") {
  CHECK(parse_endpoint("127.0.0.1:8080").value().host == "127.0.0.1");
  CHECK(parse_endpoint("127.0.0.1:8080").value().port == 8080);
  CHECK(parse_endpoint("[::1]:0").value().host == "::1");
  CHECK(parse_endpoint(":8443").value().host.empty());
  CHECK(parse_endpoint("8080").value().port == 8080);
  CHECK_FALSE(parse_endpoint("host:99999").ok());
  CHECK_FALSE(parse_endpoint("host:").ok());
  CHECK_FALSE(parse_endpoint("[::1]8080").ok());
}

TEST_CASE("options: defaults, errors and the config file") {
  auto o = parse_server_options({});
  REQUIRE(o.ok());
  REQUIRE(o.value().listen.size() == 1);
  CHECK(o.value().listen[0].port == 8080);
  CHECK(o.value().tls_listen.empty());
  CHECK(o.value().threads >= 1);
  CHECK(parse_server_options({"--bogus"}).error().find("unknown option") != std::string::npos);
  CHECK(parse_server_options({"--threads", "0"}).error().find("--threads") == 0);
  CHECK(parse_server_options({"--listen"}).error().find("--listen needs") == 0);
  CHECK(parse_server_options({"--cert", "a.pem"}).error() == "--cert and --key go together");
  CHECK(parse_server_options({"--config", "/nonexistent/x.conf"}).error().find("cannot read config") == 0);

  const auto dir = make_temp_dir("opts");
  write_file(dir / "good.conf", "# ISP\nsponsor_name=\"Example Net\"\nsponsor_city=Gent\n");
  write_file(dir / "bad.conf", "sponsor_name Example\n");
  auto good = parse_server_options({"--config", (dir / "good.conf").string()});
  REQUIRE(good.ok());
  CHECK(good.value().config_values.at("sponsor_name") == "Example Net");
  CHECK(parse_server_options({"--config", (dir / "bad.conf").string()}).error().find("line 1") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("options: listener lists, each address once; a later --listen replaces the earlier") {
  auto o = parse_server_options({"--listen", "127.0.0.1:0", "--listen", "192.0.2.1:80, [2001:db8::1]:80",
                                 "--tls-listen", "[::]:443"});
  REQUIRE_MESSAGE(o.ok(), o.error());
  REQUIRE(o.value().listen.size() == 2);
  CHECK(o.value().listen[0].host == "192.0.2.1");
  CHECK(o.value().listen[1].host == "2001:db8::1");
  CHECK(o.value().listen[1].port == 80);
  REQUIRE(o.value().tls_listen.size() == 1);
  CHECK(o.value().tls_listen[0].host == "::");
  CHECK(parse_server_options({"--listen", "192.0.2.1:80,192.0.2.1:80"}).error() ==
        "--listen: '192.0.2.1:80' is listed twice");
  CHECK(parse_server_options({"--listen", "192.0.2.1:80,"}).error().find("--listen: bad port") == 0);
  CHECK(parse_server_options({"--tls-listen", "[::1]:443,[::1]443"}).error().find("--tls-listen: bad address") == 0);
}

TEST_CASE("a server listens on every address listed: IPv4 and IPv6 loopback") {
  TestServer both(false, {"--listen", "127.0.0.1:0,[::1]:0"});
  const auto v4 = both.server().http_port(0);
  const auto v6 = both.server().http_port(1);
  REQUIRE(v4 != 0);
  REQUIRE(v6 != 0);
  CHECK(get(v4, "/api/health").result() == http::status::ok);
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("::1"), v6));
  http::request<http::empty_body> req{http::verb::get, "/api/health", 11};
  req.set(http::field::host, "[::1]");
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  CHECK(res.result() == http::status::ok);
  CHECK(res.body().find("\"status\":\"ok\"") != std::string::npos);
}

TEST_CASE("path safety: decoding and traversal rules") {
  CHECK(percent_decode("/a%20b").value() == "/a b");
  CHECK_FALSE(percent_decode("/a%2").has_value());
  CHECK_FALSE(percent_decode("/a%g0").has_value());
  CHECK_FALSE(percent_decode("/%00").has_value());
  CHECK(safe_relative_path("/").value() == "index.html");
  CHECK(safe_relative_path("/docs/").value() == "docs/index.html");
  CHECK(safe_relative_path("/a/b.js").value() == "a/b.js");
  CHECK_FALSE(safe_relative_path("/../x").has_value());
  CHECK_FALSE(safe_relative_path("/a/./b").has_value());
  CHECK_FALSE(safe_relative_path("//x").has_value());
  CHECK_FALSE(safe_relative_path("/a\\b").has_value());
  CHECK_FALSE(safe_relative_path("x").has_value());
  CHECK(target_path("/a?b=1#c") == "/a");
  CHECK(target_query("/a?b=1#c") == "b=1");
  CHECK(query_param("x=1&bytes=2048", "bytes").value() == "2048");
  CHECK_FALSE(query_param("x=1", "bytes").has_value());
}

TEST_CASE("start-up errors are reported, not crashed on") {
  auto o = parse_server_options({"--listen", "127.0.0.1:0", "--web-root", "/nonexistent/web"});
  REQUIRE(o.ok());
  bloatmeter::server::Server s(std::move(o.value()));
  CHECK(s.start().find("web root not found") == 0);

  TestServer running;
  auto clash = parse_server_options({"--listen", "127.0.0.1:" + std::to_string(running.port()), "--web-root",
                                     running.root().string() + "/web", "--data-dir", running.root().string() + "/d2"});
  REQUIRE(clash.ok());
  bloatmeter::server::Server s2(std::move(clash.value()));
  CHECK(s2.start().find("cannot listen") == 0);
}
