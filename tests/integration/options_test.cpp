#include <doctest/doctest.h>

#include "server_options.hpp"
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
  CHECK(o.value().listen->port == 8080);
  CHECK_FALSE(o.value().tls_listen.has_value());
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
