// The server's WebSocket lanes themselves (/ws/probe, /ws/virtual-household/
// {user}, /ws/bulk-upload), not only their wire decoders: a client connects
// over loopback to the real plain HTTP session (start_plain_session), which
// reads the upgrade and hands the connection to the lane's session as the
// server does (websocket_routes.hpp, websocket_start_*.cpp; probe lanes move
// to ctx.probe_io, here the same io_context). The client then plays the
// input's steps (websocket_script.hpp): messages, pings, a close, frames of
// its own making, raw bytes. Sockets, not a test stream: the sessions tune
// and read their TCP socket (no-delay, TCP_NOTSENT_LOWAT, kernel unsent
// bytes), and Beast's timeouts need a tcp_stream underneath.
//
// Everything runs on one thread and one io_context; the client's coroutines
// and the server's sessions take turns. The client stops sending after
// kSendBudget; what a lane owes (an answer, a refusal, the close reply) may
// take up to kAnswerGrace before it counts as never coming.
//
// Invariants (websocket_lane_rules.hpp for the per-lane ones): every upgrade
// succeeds (a lease or connection count leaked by an earlier input would
// refuse it); the probe lane answers each 12-byte binary request with one
// 24-byte echo of its seq and client time, in order, and the household lane
// each upload with one acknowledgement; a message a lane does not take is
// refused with its close code, never answered; when the client closes, the
// lane closes too; once the client's socket is closed every session ends
// within kDrainLimit and the server's counters of connections, household
// sessions and running tests are back to zero.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "client_limits.hpp"
#include "http_types.hpp"
#include "server_context.hpp"
#include "server_options.hpp"
#include "session_start.hpp"
#include "websocket_lane_rules.hpp"
#include "websocket_script.hpp"

namespace {

using namespace bloatmeter::server;
using namespace bloatmeter::fuzz;
using Clock = std::chrono::steady_clock;
using Step = bloatmeter::fuzz::Step;
using Op = Step::Op;

constexpr auto kSendBudget = std::chrono::milliseconds(50);
// Wall time, so it must hold when the fuzzer is starved of CPU: a long run
// at nice 10 beside two compilers (14 runs a second) once took over 2 s for
// an answer that takes 0.3 s alone. Under libFuzzer's -timeout (10 s), so a
// lane that truly never answers is still named as such.
constexpr auto kAnswerGrace = std::chrono::seconds(5);
// Once the rules are loose an answer may never come (the server may be
// waiting for the rest of a frame the client made up): wait only this long.
constexpr auto kLooseWait = std::chrono::milliseconds(10);
constexpr auto kDrainLimit = std::chrono::seconds(2);
// Large messages (message_size) are sent as their payload only past this:
// one message of the lanes' limit (1 MiB) and some more.
constexpr std::size_t kMaxBytesPerInput = 1536 * 1024;

struct Fixture {
  net::io_context io{1};
  tcp::acceptor acceptor{io, tcp::endpoint(net::ip::address_v4::loopback(), 0)};  // loopback only
  ServerContext ctx{ServerOptions{}};  // the defaults: no config, default limits, no result storage
};
Fixture* g_fixture = nullptr;

std::string target_of(const Lane& lane, const std::string& user_id) {
  switch (lane.kind) {
    case LaneKind::Probe: return "/ws/probe";
    case LaneKind::Bulk: return "/ws/bulk-upload";
    case LaneKind::Household:
      return "/ws/virtual-household/" + user_id + "?plan=" + (lane.quick ? "quick" : "standard") +
             (lane.greedy ? "&greedy=1" : "");
  }
  return "/";
}

// An awaited operation's error goes to `ec` instead of being thrown: the
// client judges each one itself.
auto into(beast::error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

// The client's side of one lane: a writer (run) playing the steps and a
// reader handing every message the lane sends to the rules.
class Client {
 public:
  Client(net::io_context& io, const Script& script, LaneRules& rules)
      : script_(script), rules_(rules), ws_(io), wake_(io), watchdog_(io) {}

  net::awaitable<void> run(tcp::endpoint server, std::string target) {
    const auto start = Clock::now();
    co_await connect(server, target);
    for (const auto& step : script_.steps) {
      if (reader_done_ || Clock::now() > start + kSendBudget) break;
      if (!co_await play(step)) break;
    }
    const bool lane_closed_itself = reader_done_ && !refused_with_ && !client_closed_;
    if (!refused_with_ && !client_closed_ && !reader_done_) {
      co_await answers_arrived();
      co_await close(websocket::close_reason(websocket::close_code::normal));
    }
    co_await lane_ended();
    watchdog_.cancel();
    check_end(lane_closed_itself);
    close_socket();  // whatever the lane did, the client is gone now
  }

 private:
  net::awaitable<void> connect(tcp::endpoint server, const std::string& target) {
    guard("connecting and upgrading");
    beast::error_code ec;
    co_await beast::get_lowest_layer(ws_).async_connect(server, into(ec));
    if (ec) fail("connecting over loopback", ec.message());
    // As the real clients do: with Nagle, a small message after another
    // waits for the server's delayed ACK (40 ms).
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    websocket::response_type answer;
    co_await ws_.async_handshake(answer, "127.0.0.1", target, into(ec));
    if (ec) fail("the upgrade was refused (a leaked lease or connection count?)", answer.body() + " " + target);
    // Big messages go in one frame, so the lane refuses them by their
    // header (LaneRules::on_sent); Step::Op::Fragments splits on purpose.
    ws_.auto_fragment(false);
    net::co_spawn(ws_.get_executor(), read_all(), net::detached);
  }

  // One step; false when the client sends nothing more.
  net::awaitable<bool> play(const Step& step) {
    if (step.op != Op::Wait && step.op != Op::Close) guard("a write the lane did not take");
    beast::error_code ec;
    switch (step.op) {
      case Op::Binary:
      case Op::Text: {
        const bool binary = step.op == Op::Binary;
        if (const auto size = message_size(step, kMaxClientMessage); size > kMaxClientMessage) {
          // Refused by its header: the payload would only cost time.
          refused_with_ = rules_.on_sent_oversized(size);
          const auto header = masked_frame(binary ? 0x82 : 0x81, size, step.payload, step.param);
          co_await net::async_write(beast::get_lowest_layer(ws_).socket(), net::buffer(header), into(ec));
          co_return false;
        }
        const auto message = repeated(step);
        const auto refusal = rules_.on_sent(binary, message);
        ws_.binary(binary);
        co_await ws_.async_write(net::buffer(message), into(ec));
        if (refusal) refused_with_ = refusal;
        co_return !ec && !refusal;
      }
      case Op::Fragments: {
        const bool binary = (step.param & 1) == 0;
        const std::size_t pieces = (step.param >> 1) + 2;
        const auto refusal = rules_.on_sent(binary, step.payload);
        ws_.binary(binary);
        for (std::size_t i = 0; i < pieces && !ec; ++i) {
          const auto from = step.payload.size() * i / pieces, to = step.payload.size() * (i + 1) / pieces;
          co_await ws_.async_write_some(i + 1 == pieces, net::buffer(step.payload.data() + from, to - from), into(ec));
        }
        if (refusal) refused_with_ = refusal;
        co_return !ec && !refusal;
      }
      case Op::Ping: {
        websocket::ping_data data;
        const auto p = step.payload.first(std::min(step.payload.size(), data.max_size()));
        data.assign(reinterpret_cast<const char*>(p.data()), p.size());
        co_await ws_.async_ping(data, into(ec));
        co_return !ec;
      }
      case Op::Close: {
        websocket::close_reason reason;
        if (step.payload.size() >= 2) {
          reason.code = static_cast<std::uint16_t>(step.payload[0] | (step.payload[1] << 8));
          const auto text = step.payload.subspan(2, std::min(step.payload.size() - 2, reason.reason.max_size()));
          reason.reason.assign(reinterpret_cast<const char*>(text.data()), text.size());
        }
        co_await answers_arrived();
        co_await close(reason);
        co_return false;
      }
      case Op::Frame:
      case Op::Verbatim: {
        rules_.loosen();
        const auto body = step.payload.empty() ? step.payload : step.payload.subspan(1);
        const auto bytes = step.op == Op::Frame
                               ? masked_frame(step.payload.empty() ? 0x82 : step.payload[0], body.size(), body, step.param)
                               : std::vector<std::uint8_t>(step.payload.begin(), step.payload.end());
        co_await net::async_write(beast::get_lowest_layer(ws_).socket(), net::buffer(bytes), into(ec));
        co_return !ec;
      }
      case Op::Wait:
        co_await answers_arrived();
        co_return true;
    }
    co_return false;
  }

  // The step's message: message_size() bytes, the payload repeated (zeros
  // without one); just the payload once the input has sent enough.
  std::vector<std::uint8_t> repeated(const Step& step) {
    std::vector<std::uint8_t> out(step.payload.begin(), step.payload.end());
    const auto size = message_size(step, kMaxClientMessage);
    if (size > out.size() && sent_bytes_ + size <= kMaxBytesPerInput) {
      out.resize(size);
      // Doubling copies: a loop per byte costs a traced comparison each.
      for (std::size_t done = step.payload.size(); done > 0 && done < size; done *= 2)
        std::copy_n(out.begin(), std::min(done, size - done), out.begin() + static_cast<std::ptrdiff_t>(done));
    }
    sent_bytes_ += out.size();
    return out;
  }

  // A client frame, masked as RFC 6455 requires of clients, whose first
  // byte (FIN, RSV1-3, opcode) and announced length the caller chose (what
  // Beast's client would never write), followed by `body`.
  static std::vector<std::uint8_t> masked_frame(std::uint8_t first, std::uint64_t length,
                                                std::span<const std::uint8_t> body, std::uint8_t key_seed) {
    std::vector<std::uint8_t> out{first};
    if (length < 126) {
      out.push_back(static_cast<std::uint8_t>(0x80 | length));
    } else if (length <= 0xffff) {
      out.insert(out.end(), {0x80 | 126, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    } else {
      out.push_back(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(length >> shift));
    }
    const std::uint8_t key[4] = {key_seed, 0x5a, 0xa5, static_cast<std::uint8_t>(~key_seed)};
    out.insert(out.end(), key, key + 4);
    for (std::size_t i = 0; i < body.size(); ++i) out.push_back(body[i] ^ key[i % 4]);
    return out;
  }

  net::awaitable<void> close(const websocket::close_reason& reason) {
    guard("the lane's answer to the client's close");
    client_closed_ = true;
    beast::error_code ec;
    co_await ws_.async_close(reason, into(ec));
  }

  // Until every answer owed has come (exact rules: within kAnswerGrace, or
  // it is a failure) or the lane has ended.
  net::awaitable<void> answers_arrived() {
    watchdog_.cancel();  // no write is under way, and this wait has its own limit
    const auto until = Clock::now() + (rules_.exact() ? std::chrono::nanoseconds(kAnswerGrace) : kLooseWait);
    while (rules_.owed() > 0 && !reader_done_ && co_await sleep_until(until)) {
    }
    if (!rules_.exact()) co_return;
    if (rules_.owed() > 0 && !reader_done_) fail("an echo or acknowledgement owed never came");
    if (rules_.owed() > 0) fail("the lane closed with echoes or acknowledgements still owed");
  }

  // Until the reader has seen the lane end.
  net::awaitable<void> lane_ended() {
    watchdog_.cancel();  // this wait has its own limit
    const auto until = Clock::now() + (rules_.exact() ? std::chrono::nanoseconds(kAnswerGrace) : kLooseWait);
    while (!reader_done_ && co_await sleep_until(until)) {
    }
    if (!reader_done_ && rules_.exact())
      fail(refused_with_ ? "a refused message did not close the lane" : "the lane did not answer the client's close");
  }

  // Sleeps until `until` or until the reader wakes the writer; false once
  // `until` has passed.
  net::awaitable<bool> sleep_until(Clock::time_point until) {
    if (Clock::now() >= until) co_return false;
    beast::error_code ec;
    wake_.expires_at(until);
    co_await wake_.async_wait(into(ec));
    co_return Clock::now() < until;
  }

  // Past its deadline an operation on the socket is given up: the socket
  // goes (ending every operation on it). With exact rules the lane owed it:
  // a failure, named by `what`.
  void guard(const char* what) {
    watchdog_.expires_after(rules_.exact() ? std::chrono::nanoseconds(kAnswerGrace) : kLooseWait);
    watchdog_.async_wait([this, what](beast::error_code ec) {
      if (ec) return;  // re-armed or cancelled
      if (rules_.exact()) fail("the lane never completed", what);
      close_socket();
    });
  }

  void check_end(bool lane_closed_itself) {
    if (!rules_.exact()) return;
    if (lane_closed_itself) fail("a lane closed although it took every message", end_.message());
    if (!refused_with_) return;
    // A refusal is a close frame with the lane's code, never an answer.
    // Beast's own refusals (1007, 1009) come while the client may still be
    // sending; its teardown then closes the socket with the rest unread, so
    // the connection may be reset before the client reads the close frame.
    const auto code = ws_.reason().code;
    if (code == 0 && end_ != websocket::error::closed) {
      if (refused_with_ != kUnsupportedData) return;
      fail("a refused message ended the lane without a close frame", end_.message());
    }
    if (code != refused_with_)
      fail("a refused message closed the lane with the wrong code",
           std::to_string(code) + " instead of " + std::to_string(refused_with_));
  }

  net::awaitable<void> read_all() {
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      co_await ws_.async_read(buffer, into(ec));
      if (ec) {
        end_ = ec;
        break;
      }
      const auto data = buffer.cdata();
      rules_.on_received(ws_.got_binary(), {static_cast<const std::uint8_t*>(data.data()), data.size()});
      buffer.clear();
      wake_.cancel();
    }
    reader_done_ = true;
    wake_.cancel();
  }

  void close_socket() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  const Script& script_;
  LaneRules& rules_;
  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer wake_;      // the writer waits on it, the reader cancels it
  net::steady_timer watchdog_;  // bounds each operation on the socket (guard)
  std::size_t sent_bytes_ = 0;
  std::uint16_t refused_with_ = 0;  // the close code the last message must be refused with
  bool client_closed_ = false;
  bool reader_done_ = false;
  beast::error_code end_;  // how the reader's last read ended
};

void check_counters(const ServerContext& ctx) {
  if (ctx.active_connections.load() != 0)
    fail("connections still counted after every session ended", std::to_string(ctx.active_connections.load()));
  if (ctx.household.active_sessions() != 0) fail("household sessions still counted after every session ended");
  if (const auto why = ctx.limits.test_refusal("127.0.0.1"); !why.empty()) fail("a test's place was not given back", why);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static Fixture fixture;
  fixture.ctx.probe_io = &fixture.io;  // the probe lane's own move to the probe context, onto this one
  g_fixture = &fixture;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = *g_fixture;
  const auto script = read_script({data, size});
  const auto& users = f.ctx.household.profiles(script.lane.greedy).users;
  const auto user_id = users[static_cast<std::size_t>(script.lane.user) % users.size()].id;
  LaneRules rules(script.lane, user_id);

  f.io.restart();
  f.acceptor.async_accept([&f](beast::error_code ec, tcp::socket socket) {
    if (ec) fail("accepting over loopback", ec.message());
    start_plain_session(std::move(socket), f.ctx);
  });
  Client client(f.io, script, rules);
  bool client_done = false;
  net::co_spawn(f.io, client.run(f.acceptor.local_endpoint(), target_of(script.lane, user_id)),
                [&](std::exception_ptr e) {
                  if (e) std::rethrow_exception(e);
                  client_done = true;
                });
  while (!client_done && !f.io.stopped()) f.io.run_one();
  if (!client_done) fail("the io_context ran dry before the client finished");
  // The client's socket is closed: every session must end, and soon.
  f.io.run_for(kDrainLimit);
  if (!f.io.stopped()) fail("a server session outlived its client's connection");
  check_counters(f.ctx);
  return 0;
}
