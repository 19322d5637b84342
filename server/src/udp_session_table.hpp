#pragma once
// The UDP lane's sessions (docs/protocol.md, "UDP probe lane"): the tokens
// POST /api/udp-session handed out, each bound to one client address, with
// a deadline and a rate. The responder asks it about every datagram, so it
// lives on the responder's thread alone (no lock) and answers without
// allocating; only opening a session allocates.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "http_types.hpp"

namespace bloatmeter::server {

struct UdpSessionLimits {
  int max_sessions = 1024;          // live sessions in all
  int max_sessions_per_address = 8; // and per limit key (an IPv6 client: its /64)
  double rate_pps = 200;            // each token's datagrams per second, on average
  double burst = 100;               // and at most at once
};

// How many datagrams a token may send at once: half a second's worth of its
// rate, at least 10, so a queue on the way that releases a bunch of them
// together does not cost an honest client its answers.
inline double udp_burst(int rate_pps) { return rate_pps / 2.0 > 10.0 ? rate_pps / 2.0 : 10.0; }

// A token's bucket: `burst` datagrams at most, refilled at `rate_pps`.
struct DatagramBucket {
  double level = 0;
  Micros refilled_us = 0;
  bool take(Micros now_us, double rate_pps, double burst);
};

struct UdpSession {
  net::ip::address client;  // the only address its datagrams are answered from (IPv4-mapped as IPv4)
  std::string limit_key;
  Micros deadline_us = 0;
  bool live = true;  // false once the deadline passed and the sweep released its place
  DatagramBucket bucket;
  // Requests with this token that arrived from its address, answered or
  // not, and replies sent: the reply's requests_received and reply_seq.
  std::uint32_t requests_received = 0;
  std::uint32_t replies_sent = 0;
};

class UdpSessionTable {
 public:
  explicit UdpSessionTable(UdpSessionLimits limits) : limits_(limits) {}

  // Adds a session for `client` until `deadline_us`; "" or why not (the
  // server's or the address's sessions are all taken).
  std::string add(const udp_probe_wire::Token& token, net::ip::address client, std::string limit_key, Micros now_us,
                  Micros deadline_us);

  enum class Verdict { Answer, UnknownToken, WrongAddress, Expired, OverRate };
  // Judges a datagram with `token` from `from` at `now_us`. On Answer,
  // `session` is the session (valid until the next add or sweep), its
  // requests_received already counting this one.
  Verdict admit(const udp_probe_wire::Token& token, net::ip::address from, Micros now_us, UdpSession*& session);

  // Releases the places of sessions whose deadline passed, and forgets
  // them kExpiredMemoryUs later (until then their datagrams count as
  // expired, not as unknown). Returns how many sessions are live.
  std::size_t sweep(Micros now_us);

  std::size_t live() const { return static_cast<std::size_t>(live_); }
  const UdpSessionLimits& limits() const { return limits_; }

  // How long an expired token is remembered. The table stays bounded: a
  // session lives at least a second, so at most max_sessions * (1 + 10)
  // are held.
  static constexpr Micros kExpiredMemoryUs = 10'000'000;

 private:
  struct TokenHash {
    std::size_t operator()(const udp_probe_wire::Token& t) const;  // the token is random: its first bytes will do
  };
  struct TokenEqual {
    bool operator()(const udp_probe_wire::Token& a, const udp_probe_wire::Token& b) const;  // constant time
  };

  UdpSessionLimits limits_;
  std::unordered_map<udp_probe_wire::Token, UdpSession, TokenHash, TokenEqual> sessions_;
  std::unordered_map<std::string, int> per_address_;  // live sessions by limit key
  int live_ = 0;
};

// The address as the table compares it: IPv4-mapped IPv6 as IPv4, so a
// dual-stack socket and an IPv4 HTTP peer name one client the same way.
net::ip::address unmapped(net::ip::address address);

}  // namespace bloatmeter::server
