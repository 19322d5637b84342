#pragma once
// The UDP probe lane's two datagrams (docs/protocol.md, "UDP probe lane"):
// the one definition of their byte layout, for the server's responder and
// every client.
//
// Safe on the open internet by construction: a request carries the token a
// session handed out over HTTP (POST /api/udp-session), and a reply is
// never larger than the request it answers. A reply's header is exactly the
// smallest request a responder accepts (kMinDatagramBytes), and its size is
// the request's or, when the request asks for less, the size asked for,
// never below the header: reply_size() is the one rule.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bloatmeter/byte_order.hpp"

namespace bloatmeter::udp_probe_wire {

// 'B' 'U' (bloatmeter UDP), the version, the kind.
inline constexpr std::uint8_t kMagic0 = 0x42;
inline constexpr std::uint8_t kMagic1 = 0x55;
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::uint8_t kKindRequest = 1;
inline constexpr std::uint8_t kKindReply = 2;

inline constexpr std::size_t kRequestHeaderBytes = 36;
inline constexpr std::size_t kReplyHeaderBytes = 44;
// A request must have room for its reply's header: a shorter one could
// only be answered by a larger reply.
inline constexpr std::size_t kMinDatagramBytes = kReplyHeaderBytes;
// The largest datagram a responder takes or sends: 1500-byte Ethernet less
// the IPv4 and UDP headers, so no datagram needs fragments on such a path.
inline constexpr std::size_t kMaxDatagramBytes = 1472;
// A G.711 voice packet's UDP payload (20 ms of 8 kHz audio, 160 bytes, and
// a 12-byte RTP header): what a call's datagrams weigh.
inline constexpr std::size_t kG711DatagramBytes = 172;

inline constexpr std::size_t kTokenBytes = 16;
using Token = std::array<std::uint8_t, kTokenBytes>;

// A token as POST /api/udp-session's answer carries it: 32 lowercase hex
// digits.
inline std::string token_text(const Token& token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kTokenBytes);
  for (const auto b : token) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

// The token of 32 hex digits (either case), or nothing.
inline std::optional<Token> token_from_text(std::string_view text) {
  if (text.size() != 2 * kTokenBytes) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Token token{};
  for (std::size_t i = 0; i < kTokenBytes; ++i) {
    const int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    token[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return token;
}

// client -> server: kRequestHeaderBytes of header, then padding (any bytes,
// ignored; zeros advised) up to the datagram's size.
struct Request {
  std::uint32_t seq = 0;             // the client's: 0, 1, 2, ... in send order
  Token token{};                     // from POST /api/udp-session
  std::uint64_t client_send_us = 0;  // opaque to the server, echoed unchanged
  // The reply's size wanted: 0 (or anything at least the request's size)
  // for the request's own size; less for a smaller reply, never below
  // kReplyHeaderBytes.
  std::uint16_t reply_bytes = 0;
  // The TOS byte (DSCP << 2 | ECN) the reply is to be sent with; nothing:
  // the server's default (RRUL marks its downstream datagrams this way).
  std::optional<std::uint8_t> reply_tos;
};

// server -> client: kReplyHeaderBytes of header, then zeros up to the
// reply's size.
struct Reply {
  std::uint32_t seq = 0;  // the request's, echoed
  // This reply's number among the replies the server sent for the token
  // (0, 1, ...): the downstream's own sequence, so the client can tell a
  // reply lost on the way back from a request lost on the way out.
  std::uint32_t reply_seq = 0;
  // Requests with the token the server had received when this one arrived,
  // this one included (those it did not answer too): the request's arrival
  // order at the server, for upstream loss and reordering.
  std::uint32_t requests_received = 0;
  std::uint64_t client_send_us = 0;   // the request's, echoed
  std::int64_t server_recv_us = 0;    // server clock when the request was read
  std::int64_t server_send_us = 0;    // server clock just before the reply was sent
  std::uint16_t request_bytes = 0;    // the request's size as received
  // The IPv4 TOS / IPv6 traffic class byte (DSCP << 2 | ECN) the request
  // arrived with; nothing when the server's system did not say.
  std::optional<std::uint8_t> received_tos;
};

// Reply flags (offset 43).
inline constexpr std::uint8_t kFlagTosKnown = 0x01;
// Request flags (offset 35).
inline constexpr std::uint8_t kFlagReplyTos = 0x01;

// The size of the reply to a request of `request_bytes` (a valid request's:
// kMinDatagramBytes to kMaxDatagramBytes) that asked for `wanted` bytes.
// Never more than the request, never less than a reply's header.
inline std::size_t reply_size(std::size_t request_bytes, std::uint16_t wanted) {
  if (wanted == 0 || wanted >= request_bytes) return request_bytes;
  return std::max<std::size_t>(wanted, kReplyHeaderBytes);
}

namespace detail {
inline void write_prefix(std::uint8_t* p, std::uint8_t kind) {
  p[0] = kMagic0;
  p[1] = kMagic1;
  p[2] = kVersion;
  p[3] = kind;
}
inline bool has_prefix(std::span<const std::uint8_t> in, std::uint8_t kind) {
  return in.size() >= 4 && in[0] == kMagic0 && in[1] == kMagic1 && in[2] == kVersion && in[3] == kind;
}
}  // namespace detail

// Writes a request filling all of `datagram` (its size is the request's:
// kMinDatagramBytes to kMaxDatagramBytes, e.g. kG711DatagramBytes); the
// padding is zeros. False, writing nothing, for any other size.
inline bool encode_request(const Request& r, std::span<std::uint8_t> datagram) {
  if (datagram.size() < kMinDatagramBytes || datagram.size() > kMaxDatagramBytes) return false;
  auto* p = datagram.data();
  std::fill(datagram.begin(), datagram.end(), std::uint8_t{0});
  detail::write_prefix(p, kKindRequest);
  wire::store_le(p + 4, r.seq);
  std::copy(r.token.begin(), r.token.end(), p + 8);
  wire::store_le(p + 24, r.client_send_us);
  wire::store_le(p + 32, r.reply_bytes);
  p[34] = r.reply_tos.value_or(0);
  p[35] = r.reply_tos ? kFlagReplyTos : 0;
  return true;  // then padding
}

// A request, or nothing when `in` is not one: the wrong size, prefix or
// version. Flag bits not defined, and the padding, are not read.
inline std::optional<Request> decode_request(std::span<const std::uint8_t> in) {
  if (in.size() < kMinDatagramBytes || in.size() > kMaxDatagramBytes) return std::nullopt;
  if (!detail::has_prefix(in, kKindRequest)) return std::nullopt;
  const auto* p = in.data();
  Request r;
  r.seq = wire::load_le<std::uint32_t>(p + 4);
  std::copy(p + 8, p + 8 + kTokenBytes, r.token.begin());
  r.client_send_us = wire::load_le<std::uint64_t>(p + 24);
  r.reply_bytes = wire::load_le<std::uint16_t>(p + 32);
  if (p[35] & kFlagReplyTos) r.reply_tos = p[34];
  return r;
}

// Writes a reply filling all of `datagram` (its size is the reply's, from
// reply_size()); the padding is zeros. False, writing nothing, when the
// size is below a reply's header or above kMaxDatagramBytes.
inline bool encode_reply(const Reply& r, std::span<std::uint8_t> datagram) {
  if (datagram.size() < kReplyHeaderBytes || datagram.size() > kMaxDatagramBytes) return false;
  auto* p = datagram.data();
  std::fill(datagram.begin() + kReplyHeaderBytes, datagram.end(), std::uint8_t{0});
  detail::write_prefix(p, kKindReply);
  wire::store_le(p + 4, r.seq);
  wire::store_le(p + 8, r.reply_seq);
  wire::store_le(p + 12, r.requests_received);
  wire::store_le(p + 16, r.client_send_us);
  wire::store_le(p + 24, r.server_recv_us);
  wire::store_le(p + 32, r.server_send_us);
  wire::store_le(p + 40, r.request_bytes);
  p[42] = r.received_tos.value_or(0);
  p[43] = r.received_tos ? kFlagTosKnown : 0;
  return true;
}

// A reply, or nothing when `in` is not one.
inline std::optional<Reply> decode_reply(std::span<const std::uint8_t> in) {
  if (in.size() < kReplyHeaderBytes || in.size() > kMaxDatagramBytes) return std::nullopt;
  if (!detail::has_prefix(in, kKindReply)) return std::nullopt;
  const auto* p = in.data();
  Reply r;
  r.seq = wire::load_le<std::uint32_t>(p + 4);
  r.reply_seq = wire::load_le<std::uint32_t>(p + 8);
  r.requests_received = wire::load_le<std::uint32_t>(p + 12);
  r.client_send_us = wire::load_le<std::uint64_t>(p + 16);
  r.server_recv_us = wire::load_le<std::int64_t>(p + 24);
  r.server_send_us = wire::load_le<std::int64_t>(p + 32);
  r.request_bytes = wire::load_le<std::uint16_t>(p + 40);
  if (p[43] & kFlagTosKnown) r.received_tos = p[42];
  return r;
}

}  // namespace bloatmeter::udp_probe_wire
