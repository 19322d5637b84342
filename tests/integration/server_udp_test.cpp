// The UDP probe lane against a real server on loopback (127.0.0.1 and ::1):
// only a token a session handed out, from its own address, before its
// deadline and within its rate gets an answer; a reply is never larger than
// its request; everything dropped is counted in /metrics.
//
// "No answer" is checked with a barrier, not only a timeout: the bad
// datagrams are sent first and a valid one last, on the same socket; the
// responder reads them in order, so the first datagram back must be the
// valid one's reply, and nothing may follow it.
#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "config_sources.hpp"
#include "http_client.hpp"
#include "server_settings.hpp"
#include "test_server.hpp"
#include "udp_client.hpp"

using namespace bloatmeter::testing;
using namespace bloatmeter::testing::udp_lane;
namespace bm = bloatmeter;

namespace {

struct UdpServer {
  std::string address;
  std::uint16_t udp_port;
  TestServer server;
  // A server on `address` with the UDP lane on and `extra` settings.
  explicit UdpServer(const std::string& at = "127.0.0.1", const std::string& extra = "")
      : address(at),
        udp_port(free_udp_port(address)),
        server(false, {"--listen", (address.find(':') == std::string::npos ? address : "[" + address + "]") + ":0"},
               "udp_port=" + std::to_string(udp_port) + "\n" + extra) {}
  std::uint16_t http_port() const { return server.port(); }
};

std::uint64_t metric(const std::string& address, std::uint16_t http_port, const std::string& series) {
  const auto text = http_at(address, http_port, http::verb::get, "/metrics").body();
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(series + " ")) return std::stoull(line.substr(series.size() + 1));
  FAIL("no series " << series);
  return 0;
}

std::uint64_t metric(const UdpServer& srv, const std::string& series) {
  return metric(srv.address, srv.http_port(), series);
}

std::uint64_t dropped(const UdpServer& srv, const std::string& reason) {
  return metric(srv, "bloatmeter_udp_datagrams_dropped_total{reason=\"" + reason + "\"}");
}

// The reply to `seq`, checked to be the first datagram back, with nothing
// after it: every datagram sent before `seq` went unanswered.
uw::Reply only_reply_is(UdpProbeSocket& socket, std::uint32_t seq) {
  const auto bytes = socket.receive();
  REQUIRE(bytes);
  const auto reply = uw::decode_reply(*bytes);
  REQUIRE(reply);
  CHECK(reply->seq == seq);
  CHECK_FALSE(socket.receive(std::chrono::milliseconds(100)));
  return *reply;
}

}  // namespace

TEST_CASE("udp: off by default; the session route says so and /metrics shows it") {
  TestServer srv;
  const auto [status, body] = open_session("127.0.0.1", srv.port());
  CHECK(status == http::status::not_found);
  CHECK(body.at("error").get<std::string>().find("udp_port") != std::string::npos);
  CHECK(metric("127.0.0.1", srv.port(), "bloatmeter_udp_enabled") == 0);
}

TEST_CASE("udp: datagrams without a valid token get no answer, and each kind is counted") {
  UdpServer srv;
  const auto [status, grant] = open_session("127.0.0.1", srv.http_port());
  REQUIRE(status == http::status::ok);
  CHECK(grant.at("port") == srv.udp_port);
  CHECK(grant.at("deadline_ms") == 120'000);  // max_test_seconds when not asked
  CHECK(grant.at("max_rate_pps") == 200);
  CHECK(grant.at("min_datagram_bytes") == 44);
  CHECK(grant.at("max_datagram_bytes") == 1472);
  const auto token = token_of(grant);
  CHECK(metric(srv, "bloatmeter_udp_enabled") == 1);
  CHECK(metric(srv, "bloatmeter_udp_sessions_live") == 1);

  UdpProbeSocket socket("127.0.0.1", "127.0.0.1", srv.udp_port);
  uw::Token no_token{};
  auto wrong_token = token;
  wrong_token[15] ^= 1;  // one bit off
  socket.send(no_token, 1, 172);
  socket.send(wrong_token, 2, 172);
  socket.send(token, 3, 43);                          // too short for a reply's header
  socket.send(token, 4, uw::kMaxDatagramBytes + 1);   // too long
  socket.send_bytes(std::vector<std::uint8_t>(100));  // not this lane's
  socket.send_bytes({});                              // empty
  auto bent = std::vector<std::uint8_t>(172);
  uw::encode_request({5, token, 0, 0}, bent);
  bent[2] = 2;  // a version this server does not speak
  socket.send_bytes(bent);
  socket.send(token, 6, 172);
  only_reply_is(socket, 6);

  CHECK(dropped(srv, "unknown_token") == 2);
  CHECK(dropped(srv, "malformed") == 5);
  CHECK(metric(srv, "bloatmeter_udp_datagrams_received_total") == 8);
  CHECK(metric(srv, "bloatmeter_udp_datagrams_answered_total") == 1);
  CHECK(metric(srv, "bloatmeter_udp_sent_bytes_total") == 172);
}

TEST_CASE("udp: a reply matches its request and is never larger, from the smallest request to 1400 bytes") {
  UdpServer srv("127.0.0.1", "udp_max_rate_pps=100000\n");
  const auto [status, grant] = open_session("127.0.0.1", srv.http_port());
  REQUIRE(status == http::status::ok);
  const auto token = token_of(grant);
  UdpProbeSocket socket("127.0.0.1", "127.0.0.1", srv.udp_port);
  socket.set_tos(0xb8);  // DSCP EF
  std::uint32_t seq = 0;
  for (std::size_t size = uw::kMinDatagramBytes; size <= 1400; ++size, ++seq) {
    // By default the reply mirrors the request; some ask for less, or more.
    const std::uint16_t asked = size % 3 == 0 ? 0 : size % 3 == 1 ? 60 : 9000;
    socket.send(token, seq, size, asked);
    const auto bytes = socket.receive();
    REQUIRE_MESSAGE(bytes, "no reply to a request of " << size << " bytes");
    const auto reply = uw::decode_reply(*bytes);
    REQUIRE(reply);
    CAPTURE(size);
    CHECK(bytes->size() <= size);
    CHECK(bytes->size() == uw::reply_size(size, asked));
    CHECK(reply->seq == seq);
    CHECK(reply->reply_seq == seq);
    CHECK(reply->requests_received == seq + 1);
    CHECK(reply->client_send_us == 1000u + seq);
    CHECK(reply->request_bytes == size);
    CHECK(reply->server_send_us >= reply->server_recv_us);
    CHECK(reply->received_tos == std::optional<std::uint8_t>(0xb8));
  }
  CHECK(metric(srv, "bloatmeter_udp_sent_bytes_total") <=
        metric(srv, "bloatmeter_udp_received_bytes_total"));
}

TEST_CASE("udp: a token answers only the address it was handed to") {
  UdpServer srv;
  const auto [status, grant] = open_session("127.0.0.1", srv.http_port());
  REQUIRE(status == http::status::ok);
  const auto token = token_of(grant);
  // 127.0.0.2 is loopback too, but not the address that opened the session.
  UdpProbeSocket elsewhere("127.0.0.2", "127.0.0.1", srv.udp_port);
  elsewhere.send(token, 1, 172);
  UdpProbeSocket owner("127.0.0.1", "127.0.0.1", srv.udp_port);
  owner.send(token, 2, 172);
  const auto reply = only_reply_is(owner, 2);
  CHECK(reply.requests_received == 1);  // the other address's request is not the session's
  CHECK_FALSE(elsewhere.receive(std::chrono::milliseconds(100)));
  CHECK(dropped(srv, "wrong_address") == 1);
}

TEST_CASE("udp: a token stops at its deadline") {
  UdpServer srv;
  const auto [status, grant] = open_session("127.0.0.1", srv.http_port(), "?seconds=1");
  REQUIRE(status == http::status::ok);
  CHECK(grant.at("deadline_ms") == 1000);
  const auto token = token_of(grant);
  UdpProbeSocket socket("127.0.0.1", "127.0.0.1", srv.udp_port);
  socket.send(token, 1, 100);
  only_reply_is(socket, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  socket.send(token, 2, 100);
  CHECK_FALSE(socket.receive(std::chrono::milliseconds(300)));
  CHECK(dropped(srv, "expired") == 1);
  // The sweep gives its place back within a second.
  for (int i = 0; i < 30 && metric(srv, "bloatmeter_udp_sessions_live") != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(metric(srv, "bloatmeter_udp_sessions_live") == 0);
}

TEST_CASE("udp: datagrams over the token's rate are dropped and counted, and the reply counters say so") {
  UdpServer srv("127.0.0.1", "udp_max_rate_pps=20\n");  // bursts of 10
  const auto [status, grant] = open_session("127.0.0.1", srv.http_port());
  REQUIRE(status == http::status::ok);
  CHECK(grant.at("burst") == 10);
  const auto token = token_of(grant);
  UdpProbeSocket socket("127.0.0.1", "127.0.0.1", srv.udp_port);
  for (std::uint32_t seq = 0; seq < 40; ++seq) socket.send(token, seq, 64);
  std::vector<uw::Reply> replies;
  while (const auto bytes = socket.receive(std::chrono::milliseconds(300))) replies.push_back(*uw::decode_reply(*bytes));
  // The bucket's ten, and the one or two it refilled while they arrived.
  CHECK(replies.size() >= 10);
  CHECK(replies.size() <= 12);
  CHECK(dropped(srv, "over_rate") == 40 - replies.size());
  // After the burst, a pause refills it: a request sent now is answered, and
  // its counters show every arrival but only the answered ones as replies.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  socket.send(token, 40, 64);
  const auto later = only_reply_is(socket, 40);
  CHECK(later.requests_received == 41);
  CHECK(later.reply_seq == replies.size());
}

TEST_CASE("udp: IPv6 on ::1, with the traffic class it arrived with") {
  UdpServer srv("::1");
  const auto [status, grant] = open_session("::1", srv.http_port());
  REQUIRE(status == http::status::ok);
  const auto token = token_of(grant);
  UdpProbeSocket socket("::1", "::1", srv.udp_port);
  socket.set_tos(0x2a);  // DSCP AF11 with ECT(0)
  socket.send(uw::Token{}, 1, 172);
  socket.send(token, 2, 172);
  const auto reply = only_reply_is(socket, 2);
  CHECK(reply.received_tos == std::optional<std::uint8_t>(0x2a));
  CHECK(dropped(srv, "unknown_token") == 1);
}

TEST_CASE("udp: sessions are limited per address and in all; bad requests are refused") {
  UdpServer srv("127.0.0.1", "udp_max_sessions_per_address=2\n");
  CHECK(open_session("127.0.0.1", srv.http_port()).first == http::status::ok);
  CHECK(open_session("127.0.0.1", srv.http_port()).first == http::status::ok);
  const auto [status, body] = open_session("127.0.0.1", srv.http_port());
  CHECK(status == http::status::service_unavailable);
  CHECK(body.at("error").get<std::string>().find("udp_max_sessions_per_address") != std::string::npos);
  CHECK(body.at("retry_after_seconds") == 5);
  CHECK(metric(srv, "bloatmeter_udp_sessions_refused_total") == 1);
  CHECK(metric(srv, "bloatmeter_udp_sessions_opened_total") == 2);

  UdpServer one("127.0.0.1", "udp_max_sessions=1\n");
  CHECK(open_session("127.0.0.1", one.http_port()).first == http::status::ok);
  CHECK(open_session("127.0.0.1", one.http_port()).second.at("error").get<std::string>().find(
            "(udp_max_sessions)") != std::string::npos);

  for (const char* query : {"?seconds=0", "?seconds=121", "?seconds=x", "?seconds="})
    CHECK_MESSAGE(open_session("127.0.0.1", one.http_port(), query).first == http::status::bad_request, query);
  CHECK(open_session("127.0.0.1", one.http_port(), "", "https://evil.example").first == http::status::forbidden);
  CHECK(get(one.http_port(), "/api/udp-session").result() == http::status::method_not_allowed);
}

TEST_CASE("udp: the settings are range-checked and printed") {
  namespace srv = bloatmeter::server;
  CHECK(srv::settings_from_config({}).value().udp_port == 0);
  const auto set = srv::settings_from_config({{"udp_port", "8081"}, {"udp_max_rate_pps", "50"},
                                              {"udp_max_sessions", "10"}, {"udp_max_sessions_per_address", "3"}});
  REQUIRE(set);
  CHECK(set.value().udp_port == 8081);
  CHECK(set.value().udp_max_rate_pps == 50);
  CHECK(set.value().udp_max_sessions == 10);
  CHECK(set.value().udp_max_sessions_per_address == 3);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"udp_port", "65536"}, {"udp_port", "-1"}, {"udp_max_rate_pps", "0"}, {"udp_max_sessions", "0"},
           {"udp_max_sessions_per_address", "x"}}) {
    const auto bad = srv::settings_from_config({{key, value}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().starts_with(key + ":"));
  }
  srv::LoadedConfig config;
  const auto text = srv::effective_settings_text(srv::ServerSettings{}, config);
  CHECK(text.find("udp_port = 0 (off)\n") != std::string::npos);
  CHECK(text.find("udp_max_rate_pps = 200\n") != std::string::npos);
  CHECK(text.find("udp_max_sessions = 1024\n") != std::string::npos);
  CHECK(text.find("udp_max_sessions_per_address = 8\n") != std::string::npos);
}
