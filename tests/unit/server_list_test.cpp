#include <doctest/doctest.h>

#include <string>

#include "bloatmeter/server_list.hpp"
#include "bloatmeter/web_origin.hpp"

using namespace bloatmeter;

namespace {

// A servers.json around `servers` (the array's inside).
std::string fleet_document(const std::string& servers) {
  return R"({"format": "bloatmeter-servers", "version": 1, "servers": [)" + servers + "]}";
}

const std::string kTwo =
    R"({"name": "Frankfurt", "city": "Frankfurt am Main", "url": "HTTPS://Fra.Speed.Example.net:443/", "telemetry_home": true},
       {"name": "Hamburg", "url": "https://ham.speed.example.net:8443"})";

}  // namespace

TEST_CASE("web origins: normalised as the server's Origin check compares them") {
  CHECK(normalized_origin("HTTPS://Example.net:443") == std::optional<std::string>("https://example.net"));
  CHECK(normalized_origin("http://example.net:80") == std::optional<std::string>("http://example.net"));
  CHECK(normalized_origin("http://[2001:2::1]:8080") == std::optional<std::string>("http://[2001:2::1]:8080"));
  CHECK_FALSE(normalized_origin("ftp://example.net"));
  CHECK_FALSE(normalized_origin("https://example.net/path"));
  CHECK_FALSE(normalized_origin("null"));
  CHECK(authority_without_default_port("Example.net:443", "https") == "example.net");
  CHECK(authority_without_default_port("example.net:443", "http") == "example.net:443");
  CHECK(websocket_origin("https://ham.example.net") == "wss://ham.example.net");
  CHECK(websocket_origin("http://127.0.0.1:8080") == "ws://127.0.0.1:8080");
  CHECK(websocket_origin("file://") == "file://");
}

TEST_CASE("servers.json: a fleet of two, origins normalised, in the file's order") {
  const auto r = parse_server_list(fleet_document(kTwo), "https://speed.example.net");
  REQUIRE_MESSAGE(r.ok(), r.error());
  const auto& s = r.value().servers;
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "Frankfurt");
  CHECK(s[0].city == "Frankfurt am Main");
  CHECK(s[0].origin == "https://fra.speed.example.net");
  CHECK(s[0].telemetry_home);
  CHECK(s[1].name == "Hamburg");
  CHECK(s[1].city.empty());
  CHECK(s[1].origin == "https://ham.speed.example.net:8443");
  CHECK_FALSE(s[1].telemetry_home);
}

TEST_CASE("servers.json: an empty list is a single box (the page's own server)") {
  const auto r = parse_server_list(fleet_document(""), "http://127.0.0.1:8080");
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r.value().servers.empty());
}

TEST_CASE("servers.json: an operator's mistakes are errors naming the field") {
  const auto error = [](const std::string& text, const std::string& page = "http://speed.example.net") {
    const auto r = parse_server_list(text, page);
    CHECK_FALSE(r.ok());
    return r.error();
  };
  CHECK(error("{") == "servers.json is not valid JSON");
  CHECK(error("[]") == "servers.json: document: expected an object");
  CHECK(error(R"({"format": "bloatmeter-profiles", "version": 1, "servers": []})") ==
        "servers.json: format: expected \"bloatmeter-servers\"");
  CHECK(error(R"({"format": "bloatmeter-servers", "version": 2, "servers": []})") ==
        "servers.json: version: expected 1 (this page reads no other)");
  CHECK(error(R"({"format": "bloatmeter-servers", "version": 1})") == "servers.json: servers: missing");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example", "telemetry_hom": true})")) ==
        "servers.json: servers[0].'telemetry_hom': unknown key (known: name, city, url, telemetry_home)");
  CHECK(error(fleet_document(R"({"name": "", "url": "https://a.example", "telemetry_home": true})")) ==
        "servers.json: servers[0].name: must be 1 to 40 bytes");
  CHECK(error(fleet_document(R"({"name": "A\nB", "url": "https://a.example", "telemetry_home": true})")) ==
        "servers.json: servers[0].name: must be UTF-8 text without control characters");
  CHECK(error(fleet_document(R"({"name": "A", "url": "fra.example", "telemetry_home": true})")) ==
        "servers.json: servers[0].url: must be an http or https origin, scheme://host[:port] with no path, got 'fra.example'");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example/speed", "telemetry_home": true})")).starts_with(
      "servers.json: servers[0].url: must be an http or https origin"));
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example", "telemetry_home": "yes"})")) ==
        "servers.json: servers[0].telemetry_home: expected true or false");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example"}, {"name": "a", "url": "https://b.example"})")) ==
        "servers.json: servers[1].name: 'a' is also servers[0]'s name");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example"}, {"name": "B", "url": "HTTPS://A.example:443"})")) ==
        "servers.json: servers[1].url: the same server as servers[0]");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example"})")) ==
        "servers.json: servers: exactly one server must have \"telemetry_home\": true (found 0)");
  CHECK(error(fleet_document(R"({"name": "A", "url": "https://a.example", "telemetry_home": true},
                                {"name": "B", "url": "https://b.example", "telemetry_home": true})")) ==
        "servers.json: servers: exactly one server must have \"telemetry_home\": true (found 2)");
  std::string many;
  for (int i = 0; i <= 32; ++i) many += (i ? "," : "") + std::string(R"({"name": "S)") + std::to_string(i) + R"(", "url": "https://s)" + std::to_string(i) + R"(.example"})";
  CHECK(error(fleet_document(many)) == "servers.json: servers: at most 32 servers");
  CHECK(error(std::string(kMaxServerListBytes + 1, ' ')) == "servers.json is larger than 64 KiB");
}

TEST_CASE("servers.json: a page over https lists only https servers (mixed content)") {
  const std::string plain = fleet_document(R"({"name": "A", "url": "http://a.example", "telemetry_home": true})");
  CHECK(parse_server_list(plain, "http://speed.example.net").ok());
  const auto r = parse_server_list(plain, "https://speed.example.net");
  CHECK(r.error() == "servers.json: servers[0].url: must be https: the page is served over https, and browsers block plain http from it");
}

TEST_CASE("the nearest server: lowest round trip, ties to the first listed, silent ones skipped") {
  const auto list = parse_server_list(fleet_document(kTwo), "https://speed.example.net").value();
  CHECK(nearest_server(list, {12.5, 3.1}) == std::optional<std::size_t>(1));
  CHECK(nearest_server(list, {3.1, 3.1}) == std::optional<std::size_t>(0));
  CHECK(nearest_server(list, {std::nullopt, 40.0}) == std::optional<std::size_t>(1));
  CHECK_FALSE(nearest_server(list, {std::nullopt, std::nullopt}));
  CHECK_FALSE(nearest_server(list, {}));
  CHECK(find_server(list, "hamburg") == std::optional<std::size_t>(1));
  CHECK_FALSE(find_server(list, "Berlin"));
}
