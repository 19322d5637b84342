// The virtual household's server side (docs/protocol.md): the profile,
// health and stats endpoints and the paced /ws/virtual-household/{user}
// lane. The client side here is written from the protocol document, not
// from the server's encoder.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_profile_json.hpp"
#include "http_client.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

using namespace bloatmeter::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json body_json(const Response& r) { return json::parse(r.body()); }

template <class T>
T load(const std::string& s, std::size_t at) {
  T v{};
  std::memcpy(&v, s.data() + at, sizeof(T));  // little-endian hosts
  return v;
}

// A download message's header as docs/protocol.md lays it out.
struct Download {
  std::uint32_t seq = 0;
  std::uint32_t message_bytes = 0;
  std::uint8_t flags = 0;
  std::int64_t server_sent_us = 0;
  std::int64_t due_us = 0;
  std::uint32_t burst = 0;
  std::uint64_t burst_bytes = 0;
  std::int64_t burst_started_us = 0;
};

bool has_prefix(const std::string& s, std::uint8_t kind) {
  return s.size() >= 4 && s[0] == 'B' && s[1] == 'H' && s[2] == 1 && static_cast<std::uint8_t>(s[3]) == kind;
}

Download parse_download(const std::string& s) {
  Download d;
  d.seq = load<std::uint32_t>(s, 4);
  d.message_bytes = load<std::uint32_t>(s, 8);
  d.flags = static_cast<std::uint8_t>(s[12]);
  d.server_sent_us = load<std::int64_t>(s, 16);
  d.due_us = load<std::int64_t>(s, 24);
  d.burst = load<std::uint32_t>(s, 32);
  d.burst_bytes = load<std::uint64_t>(s, 40);
  d.burst_started_us = load<std::int64_t>(s, 48);
  return d;
}

std::string upload_message(std::uint32_t seq, std::int64_t client_us, std::size_t size) {
  std::string out(size, 'u');
  out[0] = 'B';
  out[1] = 'H';
  out[2] = 1;
  out[3] = 2;
  std::memcpy(out.data() + 4, &seq, 4);
  std::memcpy(out.data() + 8, &client_us, 8);
  return out;
}

// A household lane; `rcvbuf` > 0 fixes the socket's receive buffer before
// connecting (no autotuning), so a client that stops reading backs the
// server up quickly.
struct HouseholdWs {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};

  explicit HouseholdWs(std::uint16_t port, const std::string& target, int rcvbuf = 0) {
    auto& s = ws.next_layer();
    s.open(tcp::v4());
    if (rcvbuf > 0) s.set_option(net::socket_base::receive_buffer_size(rcvbuf));
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    s.set_option(tcp::no_delay(true));
    ws.read_message_max(8 * 1024 * 1024);
    ws.handshake("127.0.0.1", target);
    ws.binary(true);
  }

  // One message: its bytes, and whether it was text.
  std::pair<std::string, bool> read() {
    beast::flat_buffer buf;
    ws.read(buf);
    return {beast::buffers_to_string(buf.data()), ws.got_text()};
  }
};

// Downloads as a client sees them: arrival times and headers.
struct Received {
  std::vector<Download> messages;
  std::vector<std::int64_t> arrival_us;
  std::vector<std::size_t> sizes;
  std::optional<json> last_report;

  // Mbit/s from the first message's arrival to the last's, counting every
  // message after the first.
  double mbps() const {
    if (messages.size() < 2) return 0;
    std::uint64_t bytes = 0;
    for (std::size_t i = 1; i < sizes.size(); ++i) bytes += sizes[i];
    const double seconds = static_cast<double>(arrival_us.back() - arrival_us.front()) / 1e6;
    return static_cast<double>(bytes) * 8 / seconds / 1e6;
  }
  bool consecutive() const {
    for (std::size_t i = 0; i < messages.size(); ++i)
      if (messages[i].seq != i) return false;
    return true;
  }
};

// Reads for `seconds` (and at most `max_messages`), keeping downloads and
// the last report.
Received read_for(HouseholdWs& c, double seconds, std::size_t max_messages = 200'000) {
  Received r;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (std::size_t i = 0; i < max_messages && Clock::now() < until; ++i) {
    auto [bytes, text] = c.read();
    const auto now = client_now_us();
    if (text) {
      auto j = json::parse(bytes);
      if (j["type"] == "report") r.last_report = std::move(j);
      continue;
    }
    if (!has_prefix(bytes, 1)) continue;
    r.messages.push_back(parse_download(bytes));
    r.arrival_us.push_back(now);
    r.sizes.push_back(bytes.size());
  }
  return r;
}

json read_hello(HouseholdWs& c) {
  auto [bytes, text] = c.read();
  REQUIRE(text);
  return json::parse(bytes);
}

// Polls a JSON endpoint until `ok` holds (at most 100 x 20 ms).
template <class F>
json poll_json(std::uint16_t port, const std::string& target, F&& ok) {
  json j;
  for (int i = 0; i < 100; ++i) {
    j = body_json(get(port, target));
    if (ok(j)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return j;
}

Response upgrade_request(std::uint16_t port, const std::string& target) {
  return request(port, http::verb::get, target, {},
                 {{http::field::upgrade, "websocket"},
                  {http::field::connection, "Upgrade"},
                  {http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ=="},
                  {http::field::sec_websocket_version, "13"}});
}

}  // namespace

TEST_CASE("household profiles are the shared core's JSON and parse back") {
  TestServer srv;
  const auto r = get(srv.port(), "/virtual-household/profiles");
  CHECK(r.result() == http::status::ok);
  CHECK(r[http::field::content_type] == "application/json");
  CHECK(std::string(r[http::field::cache_control]).find("no-store") != std::string::npos);
  CHECK(r.body() == bloatmeter::serialize_profiles(bloatmeter::default_profiles(false)));
  const auto parsed = bloatmeter::parse_profiles(r.body());
  REQUIRE_MESSAGE(parsed.ok(), parsed.error());
  CHECK_FALSE(parsed.value().greedy);
  std::vector<std::string> ids;
  for (const auto& u : parsed.value().users) ids.push_back(u.id);
  CHECK(ids == std::vector<std::string>{"alex", "sarah", "jake", "computer"});

  const auto g = get(srv.port(), "/virtual-household/profiles?greedy=1");
  CHECK(g.result() == http::status::ok);
  CHECK(g.body() == bloatmeter::serialize_profiles(bloatmeter::default_profiles(true)));
  const auto greedy = bloatmeter::parse_profiles(g.body());
  REQUIRE_MESSAGE(greedy.ok(), greedy.error());
  CHECK(greedy.value().greedy);
  CHECK(greedy.value().find("computer")->download.pattern == bloatmeter::TrafficPattern::Greedy);

  CHECK(get(srv.port(), "/virtual-household/profiles?greedy=maybe").result() == http::status::bad_request);
  CHECK(request(srv.port(), http::verb::post, "/virtual-household/profiles", "x").result() ==
        http::status::method_not_allowed);
  CHECK(get(srv.port(), "/virtual-household/nothing").result() == http::status::not_found);
}

TEST_CASE("household lane refuses unknown users and bad queries before the upgrade") {
  TestServer srv;
  const auto r = upgrade_request(srv.port(), "/ws/virtual-household/mallory");
  CHECK(r.result() == http::status::not_found);
  CHECK(r[http::field::content_type] == "application/json");
  CHECK(body_json(r)["error"] == "no such household user");
  CHECK(upgrade_request(srv.port(), "/ws/virtual-household/alex?plan=long").result() == http::status::bad_request);
  CHECK(upgrade_request(srv.port(), "/ws/virtual-household/alex?greedy=2").result() == http::status::bad_request);
  CHECK_THROWS(HouseholdWs(srv.port(), "/ws/virtual-household/"));
  CHECK_NOTHROW(HouseholdWs(srv.port(), "/ws/virtual-household/computer?plan=quick&greedy=1"));
}

TEST_CASE("household health and stats count sessions, users and bytes") {
  TestServer srv;
  auto health = body_json(get(srv.port(), "/virtual-household/health"));
  CHECK(health["status"] == "ok");
  CHECK(health["active_sessions"] == 0);
  auto stats = body_json(get(srv.port(), "/virtual-household/stats"));
  CHECK(stats["active_sessions"] == 0);
  CHECK(stats["active_users"] == 0);
  CHECK(stats["sessions_started"] == 0);
  CHECK(stats["bytes_sent"] == 0);
  CHECK(stats["sessions_over_time"]["interval_seconds"] == 60);
  CHECK(stats["sessions_over_time"]["minutes"].size() == 60);
  CHECK(stats["users"].size() == 4);

  {
    HouseholdWs alex(srv.port(), "/ws/virtual-household/alex?plan=quick");
    HouseholdWs sarah(srv.port(), "/ws/virtual-household/sarah?plan=quick");
    const auto hello = read_hello(alex);
    CHECK(hello["type"] == "hello");
    CHECK(hello["user"] == "alex");
    CHECK(hello["plan"] == "quick");
    CHECK(hello["duration_us"] == 10'000'000);
    read_hello(sarah);
    // Uploads are counted where they arrive.
    for (std::uint32_t seq = 0; seq < 5; ++seq) alex.ws.write(net::buffer(upload_message(seq, 0, 1000)));
    read_for(alex, 0.3);
    read_for(sarah, 0.1);
    health = poll_json(srv.port(), "/virtual-household/health", [](const json& j) { return j["active_sessions"] == 2; });
    CHECK(health["active_sessions"] == 2);
    stats = poll_json(srv.port(), "/virtual-household/stats",
                      [](const json& j) { return j["bytes_received"] == 5000 && j["bytes_sent"] > 0; });
    CHECK(stats["active_sessions"] == 2);
    CHECK(stats["active_users"] == 2);
    CHECK(stats["sessions_started"] == 2);
    CHECK(stats["bytes_received"] == 5000);
    CHECK(stats["bytes_sent"].get<std::uint64_t>() > 3125 * 10);
    CHECK(stats["users"]["alex"]["active_sessions"] == 1);
    CHECK(stats["users"]["alex"]["bytes_received"] == 5000);
    CHECK(stats["users"]["sarah"]["sessions_started"] == 1);
    CHECK(stats["users"]["jake"]["active_sessions"] == 0);
    const auto& now = stats["sessions_over_time"]["minutes"].back();
    CHECK(now["minutes_ago"] == 0);
    CHECK(now["started"] == 2);
    CHECK(now["peak_active"] == 2);
    alex.ws.close(websocket::close_code::normal);
    sarah.ws.close(websocket::close_code::normal);
  }
  stats = poll_json(srv.port(), "/virtual-household/stats", [](const json& j) { return j["active_sessions"] == 0; });
  CHECK(stats["active_sessions"] == 0);
  CHECK(stats["active_users"] == 0);
  CHECK(stats["sessions_started"] == 2);
  const auto& now = stats["sessions_over_time"]["minutes"].back();
  CHECK(now["ended"] == 2);
  CHECK(now["peak_active"] == 2);
  CHECK(body_json(get(srv.port(), "/virtual-household/health"))["active_sessions"] == 0);
}

TEST_CASE("alex's download arrives at the profile's rate with consecutive sequence numbers") {
  TestServer srv;
  const auto profile = *bloatmeter::default_profiles().find("alex");
  HouseholdWs c(srv.port(), "/ws/virtual-household/alex?plan=quick");
  const auto hello = read_hello(c);
  const auto got = read_for(c, 2.0);
  const auto expected = profile.download.rate_mbps;
  MESSAGE("alex: " << got.messages.size() << " messages, " << got.mbps() << " Mbit/s (profile " << expected << ")");
  REQUIRE(got.messages.size() >= 100);
  CHECK(got.consecutive());
  CHECK(std::abs(got.mbps() / expected - 1) < 0.05);
  // 60 Hz ticks of 3125 bytes, stamped on the server's clock (shared with
  // this test), sent close to when they were due.
  const auto start_us = hello["start_us"].get<std::int64_t>();
  for (std::size_t i = 0; i < got.messages.size(); ++i) {
    const auto& m = got.messages[i];
    CHECK(m.message_bytes == got.sizes[i]);
    CHECK(m.message_bytes == 3125);
    CHECK(m.flags == 0);
    CHECK(m.due_us == start_us + static_cast<std::int64_t>(std::llround(m.seq * 1e6 / 60)));
    CHECK(m.server_sent_us >= m.due_us);
    CHECK(m.server_sent_us - m.due_us < 20'000);
    CHECK(got.arrival_us[i] >= m.server_sent_us);
  }
  c.ws.close(websocket::close_code::normal);
}

TEST_CASE("uploads are acknowledged at once; reports carry received bytes and sender counts") {
  TestServer srv;
  HouseholdWs c(srv.port(), "/ws/virtual-household/sarah?plan=quick");
  read_hello(c);
  std::uint64_t sent_bytes = 0;
  int acks = 0;
  std::optional<json> report;
  for (std::uint32_t seq = 0; seq < 20; ++seq) {
    const auto size = 64 + seq * 500;
    const auto before = client_now_us();
    c.ws.write(net::buffer(upload_message(seq, before, size)));
    sent_bytes += size;
    // Read until this upload's acknowledgement (downloads and reports pass by).
    for (int i = 0; i < 1000; ++i) {
      auto [bytes, text] = c.read();
      if (text) {
        report = json::parse(bytes);
        continue;
      }
      if (!has_prefix(bytes, 3)) continue;
      REQUIRE(bytes.size() == 32);
      CHECK(load<std::uint32_t>(bytes, 4) == seq);
      CHECK(load<std::uint32_t>(bytes, 8) == size);
      CHECK(load<std::int64_t>(bytes, 16) == before);
      const auto server_recv = load<std::int64_t>(bytes, 24);
      CHECK(server_recv >= before);
      CHECK(server_recv <= client_now_us());
      ++acks;
      break;
    }
  }
  CHECK(acks == 20);
  // Reports every 250 ms; one soon shows every upload byte.
  for (int i = 0; i < 2000 && !(report && (*report)["received_bytes"] == sent_bytes); ++i) {
    auto [bytes, text] = c.read();
    if (text) report = json::parse(bytes);
  }
  REQUIRE(report);
  CHECK((*report)["type"] == "report");
  CHECK((*report)["received_bytes"] == sent_bytes);
  CHECK((*report)["received_messages"] == 20);
  CHECK((*report)["download"]["sent_messages"].get<std::uint64_t>() > 0);
  CHECK((*report)["download"]["sent_bytes"].get<std::uint64_t>() > 0);
  CHECK((*report)["download"]["dropped_messages"] == 0);
  CHECK((*report)["download_done"] == false);

  // A message without the upload header closes the lane with 1003.
  c.ws.write(net::buffer(std::string(20, 'x')));
  beast::error_code ec;
  for (int i = 0; i < 10'000 && !ec; ++i) {
    beast::flat_buffer buf;
    c.ws.read(buf, ec);
  }
  CHECK(ec == websocket::error::closed);
  CHECK(c.ws.reason().code == websocket::close_code::unknown_data);
}

TEST_CASE("a household session that stops reading drops its backlog and disturbs no other") {
  TestServer srv;
  const auto alex_rate = bloatmeter::default_profiles().find("alex")->download.rate_mbps;
  // The computer's 50 Mbit/s fills a 64 KiB receive buffer in milliseconds.
  HouseholdWs stalled(srv.port(), "/ws/virtual-household/computer?plan=quick", 64 * 1024);
  read_hello(stalled);
  const auto before = read_for(stalled, 0.3);
  CHECK(before.consecutive());
  MESSAGE("computer before stalling: " << before.mbps() << " Mbit/s");
  CHECK(std::abs(before.mbps() / 50.0 - 1) < 0.05);

  // Alex reads for 2 s while the computer's client reads nothing.
  Received alex;
  std::thread reader([&] {
    HouseholdWs c(srv.port(), "/ws/virtual-household/alex?plan=quick");
    read_hello(c);
    alex = read_for(c, 2.0);
    c.ws.close(websocket::close_code::normal);
  });
  reader.join();
  MESSAGE("alex beside a stalled session: " << alex.messages.size() << " messages, " << alex.mbps() << " Mbit/s");
  CHECK(alex.consecutive());
  CHECK(alex.messages.size() >= 100);
  CHECK(std::abs(alex.mbps() / alex_rate - 1) < 0.05);

  // The stalled session dropped what went stale instead of queueing it.
  const auto stats = body_json(get(srv.port(), "/virtual-household/stats"));
  const auto dropped = stats["users"]["computer"]["download_dropped_messages"].get<std::uint64_t>();
  MESSAGE("computer dropped " << dropped << " messages while stalled");
  CHECK(dropped > 100);
  CHECK(stats["users"]["alex"]["download_dropped_messages"] == 0);

  // Reading again: what arrives is what the socket held, then a gap in the
  // sequence numbers (the dropped messages), never the whole backlog; the
  // next report counts the drops.
  std::optional<json> report;
  std::uint32_t last_seq = before.messages.back().seq;
  std::uint32_t largest_gap = 0;
  const auto until = Clock::now() + std::chrono::seconds(3);
  for (int i = 0; i < 20'000 && Clock::now() < until; ++i) {
    auto [bytes, text] = stalled.read();
    if (text) {
      report = json::parse(bytes);
      if ((*report)["download"]["dropped_messages"].get<std::uint64_t>() >= dropped && largest_gap > 0) break;
      continue;
    }
    if (!has_prefix(bytes, 1)) continue;
    const auto seq = parse_download(bytes).seq;
    CHECK(seq > last_seq);
    largest_gap = std::max(largest_gap, seq - last_seq - 1);
    last_seq = seq;
  }
  REQUIRE(report);
  CHECK((*report)["download"]["dropped_messages"].get<std::uint64_t>() >= dropped);
  CHECK(largest_gap > 100);
  stalled.ws.close(websocket::close_code::normal);
}

TEST_CASE("five households (20 sessions) at once: every user's download keeps its profile's rate; bursts are whole") {
  TestServer srv;
  const auto profiles = bloatmeter::default_profiles();
  constexpr int kHouseholds = 5;
  constexpr double kSeconds = 2.2;  // covers Jake's first 1 s burst
  std::vector<std::string> users;
  std::vector<Received> got(kHouseholds * profiles.users.size());
  std::vector<std::thread> readers;
  for (int h = 0; h < kHouseholds; ++h) {
    for (std::size_t u = 0; u < profiles.users.size(); ++u) {
      const auto slot = h * profiles.users.size() + u;
      readers.emplace_back([&, slot, id = profiles.users[u].id] {
        HouseholdWs c(srv.port(), "/ws/virtual-household/" + id + "?plan=quick");
        read_hello(c);
        got[slot] = read_for(c, kSeconds);
        c.ws.close(websocket::close_code::normal);
      });
    }
  }
  for (auto& t : readers) t.join();
  std::map<std::string, double> worst;  // largest |rate / profile - 1| per user
  for (std::size_t slot = 0; slot < got.size(); ++slot) {
    const auto& profile = profiles.users[slot % profiles.users.size()];
    const auto& r = got[slot];
    CAPTURE(profile.id);
    CHECK(r.consecutive());
    REQUIRE(r.messages.size() >= 10);
    if (profile.download.pattern != bloatmeter::TrafficPattern::Burst) {
      const double deviation = std::abs(r.mbps() / profile.download.rate_mbps - 1);
      worst[profile.id] = std::max(worst[profile.id], deviation);
      CHECK(deviation < 0.05);
      continue;
    }
    // Jake: the first burst, 25 Mbit/s for 1 s, then nothing until the next.
    std::uint64_t burst_bytes = 0;
    std::size_t last = 0;
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
      const auto& m = r.messages[i];
      CHECK((m.flags & 4) != 0);
      CHECK(m.burst == 0);
      CHECK(m.burst_bytes == 3'125'000u);
      CHECK(((m.flags & 1) != 0) == (i == 0));
      burst_bytes += r.sizes[i];
      last = i;
    }
    CHECK(burst_bytes == 3'125'000u);
    CHECK((r.messages[last].flags & 2) != 0);
    const double took_s = static_cast<double>(r.arrival_us[last] - r.messages[0].burst_started_us) / 1e6;
    const double burst_mbps = r.mbps();
    worst[profile.id] = std::max(worst[profile.id], std::abs(burst_mbps / 25.0 - 1));
    worst["jake burst seconds"] = std::max(worst["jake burst seconds"], took_s);
    CHECK(took_s > 0.95);
    CHECK(took_s < 1.05);
    CHECK(std::abs(burst_mbps / 25.0 - 1) < 0.05);
  }
  for (const auto& [what, value] : worst) {
    if (what.ends_with("seconds")) MESSAGE(what << ": at most " << value);
    else MESSAGE(what << ": at most " << value * 100 << " % off the profile's rate");
  }
  const auto stats = body_json(get(srv.port(), "/virtual-household/stats"));
  CHECK(stats["sessions_started"] == kHouseholds * 4);
  CHECK(stats["download_dropped_messages"] == 0);
}

TEST_CASE("a greedy computer takes more than its demand, never drops; the lane works over TLS") {
  TestServer srv(true);
  {
    HouseholdWs c(srv.port(), "/ws/virtual-household/computer?plan=quick&greedy=1");
    const auto hello = read_hello(c);
    CHECK(hello["greedy"] == true);
    CHECK(hello["download_pattern"] == "greedy");
    const auto got = read_for(c, 0.5);
    MESSAGE("greedy computer on loopback: " << got.mbps() << " Mbit/s");
    CHECK(got.consecutive());
    CHECK(got.mbps() > 100);
    c.ws.close(websocket::close_code::normal);
  }
  TlsWsClient t(srv.tls_port(), "/ws/virtual-household/alex?plan=quick");
  beast::flat_buffer buf;
  t.ws.read(buf);
  CHECK(t.ws.got_text());
  CHECK(json::parse(beast::buffers_to_string(buf.data()))["type"] == "hello");
  for (std::uint32_t seq = 0; seq < 10; ++seq) {
    buf.clear();
    t.ws.read(buf);
    const auto bytes = beast::buffers_to_string(buf.data());
    REQUIRE(has_prefix(bytes, 1));
    CHECK(parse_download(bytes).seq == seq);
    CHECK(bytes.size() == 3125);
  }
  t.ws.close(websocket::close_code::normal);
}
