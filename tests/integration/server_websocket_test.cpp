#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_server.hpp"
#include "ws_client.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;

namespace {
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(rank, v.size() - 1)];
}
}  // namespace

TEST_CASE("probe lane echoes seq and client time with a monotonic server time") {
  TestServer srv;
  WsClient c(srv.port(), "/ws/probe");
  std::int64_t last_server_us = 0;
  for (std::uint32_t seq = 1; seq <= 50; ++seq) {
    const std::uint64_t sent = 0xABCD000000000000ull + seq;  // opaque to the server
    const auto before = client_now_us();
    const auto bytes = probe_round_trip(c.ws, seq, sent);
    const auto rtt_us = client_now_us() - before;
    REQUIRE(bytes.size() == 24);
    CHECK(c.ws.got_binary());
    const auto e = parse_echo(bytes);
    CHECK(e.seq == seq);
    CHECK(e.client_send_us == sent);
    CHECK(e.server_recv_us > last_server_us);
    // Server and test share this host's steady clock.
    CHECK(e.server_recv_us >= before);
    CHECK(e.server_recv_us <= before + rtt_us);
    CHECK(e.echo_delay_us < 5'000);
    last_server_us = e.server_recv_us;
  }
  // The echo delays show up in health.
  const auto health = json::parse(get(srv.port(), "/api/health").body());
  CHECK(health["probe_echo_count"].get<int>() >= 50);
  CHECK(health["probe_echo_p99_us"].get<int>() < 5'000);
}

TEST_CASE("probe lane closes with 1003 on a wrong-sized or text message") {
  TestServer srv;
  for (const auto& item : {std::pair<std::string, bool>{std::string(11, 'x'), false},
                           {std::string(13, 'x'), false},
                           {std::string(12, 'x'), true}}) {
    // Named copies, not structured bindings: clang 14 (the sanitize build)
    // cannot capture bindings in CAPTURE's lambda.
    const auto& payload = item.first;
    const bool text = item.second;
    CAPTURE(payload.size());
    CAPTURE(text);
    WsClient c(srv.port(), "/ws/probe");
    c.ws.text(text);
    c.ws.write(net::buffer(payload));
    beast::flat_buffer buf;
    beast::error_code ec;
    c.ws.read(buf, ec);
    CHECK(ec == websocket::error::closed);
    CHECK(c.ws.reason().code == websocket::close_code::unknown_data);
    CHECK_FALSE(c.ws.reason().reason.empty());
  }
}

TEST_CASE("probe lane works over TLS") {
  TestServer srv(true);
  TlsWsClient c(srv.tls_port(), "/ws/probe");
  const auto e = parse_echo(probe_round_trip(c.ws, 7, 1234));
  CHECK(e.seq == 7);
  CHECK(e.client_send_us == 1234);
  c.ws.close(websocket::close_code::normal);
}

TEST_CASE("bulk download sends messages of exactly the chunk size, incompressible") {
  TestServer srv;
  WsClient c(srv.port(), "/ws/bulk-download?chunk=4096");
  constexpr int kMessages = 200;
  std::uint64_t total = 0;
  std::set<std::string> first_bytes;
  std::vector<int> histogram(256);
  for (int i = 0; i < kMessages; ++i) {
    beast::flat_buffer buf;
    c.ws.read(buf);
    CHECK(c.ws.got_binary());
    CHECK(buf.size() == 4096);
    total += buf.size();
    const auto s = beast::buffers_to_string(buf.data());
    first_bytes.insert(s.substr(0, 16));
    for (unsigned char ch : s) ++histogram[ch];
  }
  CHECK(total == kMessages * 4096ull);
  CHECK(first_bytes.size() == kMessages);  // no two messages alike
  // Random bytes: every value appears, none dominates.
  CHECK(*std::min_element(histogram.begin(), histogram.end()) > 0);
  CHECK(*std::max_element(histogram.begin(), histogram.end()) < 2 * (kMessages * 4096 / 256));
  c.ws.close(websocket::close_code::normal);  // the server stops cleanly
  // The default chunk is 64 KiB.
  WsClient d(srv.port(), "/ws/bulk-download");
  beast::flat_buffer buf;
  d.ws.read(buf);
  CHECK(buf.size() == 65536);
}

TEST_CASE("bulk download refuses chunk sizes outside 4096..1048576") {
  TestServer srv;
  for (const char* q : {"?chunk=4095", "?chunk=1048577", "?chunk=abc", "?chunk="}) {
    CAPTURE(q);
    CHECK_THROWS(WsClient(srv.port(), std::string("/ws/bulk-download") + q));
  }
  CHECK_NOTHROW(WsClient(srv.port(), "/ws/bulk-download?chunk=1048576"));
}

TEST_CASE("bulk upload reports exactly the payload bytes received") {
  TestServer srv;
  WsClient c(srv.port(), "/ws/bulk-upload");
  const std::vector<std::size_t> sizes = {1, 1000, 65536, 100'000, 1024 * 1024, 7};
  std::uint64_t sent = 0;
  for (const auto n : sizes) {
    c.ws.write(net::buffer(std::string(n, 'u')));
    sent += n;
  }
  std::int64_t last_server_us = 0;
  std::optional<std::int64_t> first_us;
  std::uint64_t reported = 0;
  int reports = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (reported != sent && std::chrono::steady_clock::now() < deadline) {
    beast::flat_buffer buf;
    c.ws.read(buf);
    CHECK(c.ws.got_text());
    const auto j = json::parse(beast::buffers_to_string(buf.data()));
    reported = j["bytes"].get<std::uint64_t>();
    CHECK(reported <= sent);
    CHECK(j["server_us"].get<std::int64_t>() > last_server_us);
    last_server_us = j["server_us"].get<std::int64_t>();
    // Once bytes arrived, when the first did: a fixed time, never after the count.
    if (reported > 0) {
      REQUIRE(j.contains("first_us"));
      const auto first = j["first_us"].get<std::int64_t>();
      CHECK(first <= last_server_us);
      CHECK(first > last_server_us - 5'000'000);
      if (first_us) CHECK(first == *first_us);
      first_us = first;
    } else {
      CHECK_FALSE(j.contains("first_us"));
    }
    ++reports;
  }
  CHECK(reported == sent);
  // Reports keep coming every 250 ms with the same total.
  const auto t0 = std::chrono::steady_clock::now();
  beast::flat_buffer buf;
  c.ws.read(buf);
  const auto gap = std::chrono::steady_clock::now() - t0;
  CHECK(json::parse(beast::buffers_to_string(buf.data()))["bytes"].get<std::uint64_t>() == sent);
  CHECK(gap < std::chrono::milliseconds(400));
  c.ws.close(websocket::close_code::normal);
}

TEST_CASE("bulk upload refuses messages over 1 MiB") {
  TestServer srv;
  WsClient c(srv.port(), "/ws/bulk-upload");
  c.ws.write(net::buffer(std::string(1024 * 1024 + 1, 'u')));
  beast::error_code ec;
  for (int i = 0; i < 20 && !ec; ++i) {
    beast::flat_buffer buf;
    c.ws.read(buf, ec);
  }
  CHECK(ec == websocket::error::closed);
  CHECK(c.ws.reason().code == websocket::close_code::too_big);
}

TEST_CASE("a probe lane keeps echoing promptly while 4 download and 4 upload streams run") {
  TestServer srv;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::atomic<std::uint64_t> downloaded{0}, uploaded{0};
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i) {
    load.emplace_back([&] {
      WsClient c(srv.port(), "/ws/bulk-download");
      beast::flat_buffer buf;
      while (std::chrono::steady_clock::now() < until) {
        c.ws.read(buf);
        downloaded += buf.size();
        buf.consume(buf.size());
      }
      c.ws.close(websocket::close_code::normal);
    });
    load.emplace_back([&] {
      WsClient c(srv.port(), "/ws/bulk-upload");
      const std::string payload(256 * 1024, 'u');
      while (std::chrono::steady_clock::now() < until) {
        c.ws.write(net::buffer(payload));
        uploaded += payload.size();
      }
      c.ws.close(websocket::close_code::normal);
    });
  }
  WsClient probe(srv.port(), "/ws/probe");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the load ramp up
  std::vector<double> rtt_ms, echo_ms;
  std::uint32_t seq = 0;
  while (std::chrono::steady_clock::now() < until) {
    const auto sent = client_now_us();
    const auto e = parse_echo(probe_round_trip(probe.ws, ++seq, sent));
    rtt_ms.push_back((client_now_us() - sent) / 1000.0);
    echo_ms.push_back(e.echo_delay_us / 1000.0);
    CHECK(e.seq == seq);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& t : load) t.join();
  const auto p99 = percentile(rtt_ms, 99);
  MESSAGE("probes: " << rtt_ms.size() << ", RTT p50 " << percentile(rtt_ms, 50) << " ms, p99 " << p99
                     << " ms, max " << percentile(rtt_ms, 100) << " ms; echo delay p99 " << percentile(echo_ms, 99)
                     << " ms; downloaded " << downloaded / 1e6 << " MB, uploaded " << uploaded / 1e6 << " MB");
  CHECK(rtt_ms.size() >= 100);
  CHECK(downloaded > 10'000'000u);
  CHECK(uploaded > 10'000'000u);
  CHECK(p99 < 20.0);
  const auto health = json::parse(get(srv.port(), "/api/health").body());
  MESSAGE("health: probe_echo_p99_us " << health["probe_echo_p99_us"] << ", max " << health["probe_echo_max_us"]);
}

TEST_CASE("bytes sent before the WebSocket handshake completes are refused, not dropped") {
  TestServer srv;
  const auto reply = raw_exchange(srv.port(),
                                  "GET /ws/probe HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                                  "early frame bytes");
  CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(reply.find("before the WebSocket handshake") != std::string::npos);
}
