// The UDP probe lane (docs/protocol.md, "UDP probe lane") both ways, as
// bytes from strangers:
//  - the server decodes any datagram that reaches its port
//    (udp_probe_wire::decode_request) and sizes its reply (reply_size);
//  - a client decodes replies from a server or a path it does not control
//    and files them in a UdpLaneTally, then reads the counts, the clock
//    offset and the one-way delays.
//
// The whole input is the datagram the server reads. Cut into
// kReplyHeaderBytes pieces it is also the replies a hostile server sends
// while the client sends a request every 20 ms (each piece arriving 5 ms
// after the one before).
//
// Invariants: a decoded request encodes and decodes to itself; a reply is
// never larger than its request nor smaller than its header (no
// amplification); the tally never counts more received than sent in either
// direction, nor more answered than sent; its offset and delays are finite.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "bloatmeter/udp_lane_tally.hpp"
#include "bloatmeter/udp_probe_wire.hpp"

namespace {

namespace wire = bloatmeter::udp_probe_wire;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void server_side(std::span<const std::uint8_t> datagram) {
  const auto request = wire::decode_request(datagram);
  if (!request) return;
  require(datagram.size() >= wire::kRequestHeaderBytes, "a request shorter than its header decoded");
  std::vector<std::uint8_t> again(datagram.size());
  require(wire::encode_request(*request, again), "a decoded request does not encode at its own size");
  const auto round = wire::decode_request(again);
  require(round && round->seq == request->seq && round->token == request->token &&
              round->client_send_us == request->client_send_us && round->reply_bytes == request->reply_bytes,
          "request round trip");
  if (datagram.size() >= wire::kMinDatagramBytes) {
    const auto size = wire::reply_size(datagram.size(), request->reply_bytes);
    require(size <= datagram.size(), "reply larger than its request");
    require(size >= wire::kReplyHeaderBytes, "reply smaller than its header");
  }
}

void client_side(std::span<const std::uint8_t> input) {
  bloatmeter::UdpLaneTally tally;
  bloatmeter::Micros now = 1'000'000;
  const std::size_t pieces = input.size() / wire::kReplyHeaderBytes;
  const std::size_t requests = std::min<std::size_t>(pieces + 4, 256);
  std::size_t next_piece = 0;
  for (std::size_t i = 0; i < requests; ++i) {
    tally.next_request(now);
    for (int k = 0; k < 4 && next_piece < pieces; ++k, ++next_piece) {
      now += 5'000;
      const auto piece = input.subspan(next_piece * wire::kReplyHeaderBytes, wire::kReplyHeaderBytes);
      if (const auto reply = wire::decode_reply(piece)) tally.on_reply(*reply, now);
    }
  }
  now += 3'000'000;  // past give_up_after_us: the counts are final
  const auto counts = tally.counts(now);
  require(counts.requests_sent == requests, "requests counted");
  require(counts.answered <= counts.requests_sent, "more answered than sent");
  require(counts.up.received <= counts.up.sent && counts.down.received <= counts.down.sent,
          "more received than sent in a direction");
  require(counts.up.lost == counts.up.sent - counts.up.received &&
              counts.down.lost == counts.down.sent - counts.down.received,
          "lost is sent - received");
  if (const auto offset = tally.clock_offset(0, static_cast<std::uint32_t>(requests))) {
    const auto delays = tally.one_way_delays(*offset);
    for (const double d : delays.up_ms) require(std::isfinite(d), "upstream delay not finite");
    for (const double d : delays.down_ms) require(std::isfinite(d), "downstream delay not finite");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, std::min<std::size_t>(size, 64 * 1024));
  server_side(input.first(std::min(input.size(), wire::kMaxDatagramBytes)));
  client_side(input);
  return 0;
}
