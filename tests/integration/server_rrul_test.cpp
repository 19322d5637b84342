// The server's side of RRUL on loopback (127.0.0.1 and ::1): UDP replies
// marked as their requests ask and never larger; one RRUL test at a time;
// its lanes join it with their marking read back from the socket; it ends
// on DELETE.
#include <doctest/doctest.h>

#include "http_client.hpp"
#include "test_server.hpp"
#include "udp_client.hpp"
#include "ws_client.hpp"

using namespace bloatmeter::testing;
using namespace bloatmeter::testing::udp_lane;

namespace {

nlohmann::json body_of(const http::response<http::string_body>& res) {
  return nlohmann::json::parse(res.body(), nullptr, false);
}

}  // namespace

TEST_CASE("rrul: a UDP reply carries the TOS its request asked for, over IPv4 and IPv6, and is never larger") {
  for (const std::string address : {"127.0.0.1", "::1"}) {
    CAPTURE(address);
    const auto udp_port = free_udp_port(address);
    TestServer srv(false, {"--listen", (address == "::1" ? "[::1]" : address) + ":0"},
                   "udp_port=" + std::to_string(udp_port) + "\n");
    const auto [status, grant] = open_session(address, srv.port());
    REQUIRE(status == http::status::ok);
    UdpProbeSocket socket(address, address, udp_port);
    const std::uint8_t ef_ect1 = 46 << 2 | 1;
    socket.send(token_of(grant), 1, 172, 0, ef_ect1);
    auto reply = socket.receive_marked();
    REQUIRE(reply);
    CHECK(reply->bytes.size() == 172);
    CHECK(reply->tos == std::optional<std::uint8_t>(ef_ect1));
    CHECK(uw::decode_reply(reply->bytes)->seq == 1);
    socket.send(token_of(grant), 2, 64);  // not asked: the server's default
    reply = socket.receive_marked();
    REQUIRE(reply);
    CHECK(reply->bytes.size() == 64);
    CHECK(reply->tos == std::optional<std::uint8_t>(0));
  }
}

TEST_CASE("rrul: one test at a time; its lanes join it marked; it reports CPU and ends on DELETE") {
  TestServer srv;
  auto res = http_at("127.0.0.1", srv.port(), http::verb::post, "/api/rrul?seconds=30");
  REQUIRE(res.result() == http::status::ok);
  const auto grant = body_of(res);
  const auto id = grant.at("id").get<std::string>();
  CHECK(id.size() == 32);
  CHECK(grant.at("deadline_ms") == 30'000);
  CHECK(grant.at("reply_tos") == true);

  res = http_at("127.0.0.1", srv.port(), http::verb::post, "/api/rrul");
  CHECK(res.result() == http::status::service_unavailable);
  CHECK(res[http::field::retry_after] == "5");
  CHECK(body_of(res).at("error").get<std::string>().find("rrul_max_tests") != std::string::npos);

  {
    WsClient download(srv.port(), "/ws/bulk-download?rrul=" + id + "&flow=3&dscp=46");
    WsClient probe(srv.port(), "/ws/probe?rrul=" + id + "&flow=20&dscp=8");
    const auto echo = parse_echo(probe_round_trip(probe.ws, 7, 1234));
    CHECK(echo.seq == 7);
    const auto status = body_of(http_at("127.0.0.1", srv.port(), http::verb::get, "/api/rrul/" + id));
    REQUIRE(status.at("flows").size() == 2);
    CHECK(status.at("flows")[0] == nlohmann::json({{"flow", 3}, {"dscp_set", 46}}));
    CHECK(status.at("flows")[1] == nlohmann::json({{"flow", 20}, {"dscp_set", 8}}));
    REQUIRE(status.at("cpu").is_object());
    CHECK(status.at("cpu").at("process").get<double>() >= 0.0);
    CHECK(status.at("cpu").at("machine").get<double>() <= 1.0);
    CHECK(status.at("left_ms").get<int>() > 20'000);
  }

  // A lane naming no live test, or a marking out of range, is refused.
  CHECK_THROWS(WsClient(srv.port(), "/ws/probe?rrul=00000000000000000000000000000000"));
  CHECK_THROWS(WsClient(srv.port(), "/ws/bulk-upload?dscp=64"));

  res = http_at("127.0.0.1", srv.port(), http::verb::delete_, "/api/rrul/" + id);
  CHECK(res.result() == http::status::ok);
  CHECK(http_at("127.0.0.1", srv.port(), http::verb::get, "/api/rrul/" + id).result() == http::status::not_found);
  CHECK(http_at("127.0.0.1", srv.port(), http::verb::post, "/api/rrul").result() == http::status::ok);
  CHECK(http_at("127.0.0.1", srv.port(), http::verb::post, "/api/rrul?seconds=0").result() == http::status::bad_request);
}
