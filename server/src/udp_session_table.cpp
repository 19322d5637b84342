#include "udp_session_table.hpp"

#include <algorithm>
#include <cstring>

namespace bloatmeter::server {

net::ip::address unmapped(net::ip::address address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  return address;
}

bool DatagramBucket::take(Micros now_us, double rate_pps, double burst) {
  if (now_us > refilled_us) {
    level = std::min(burst, level + static_cast<double>(now_us - refilled_us) * rate_pps / 1e6);
    refilled_us = now_us;
  }
  if (level < 1.0) return false;
  level -= 1.0;
  return true;
}

std::size_t UdpSessionTable::TokenHash::operator()(const udp_probe_wire::Token& t) const {
  std::size_t h = 0;
  std::memcpy(&h, t.data(), std::min(sizeof h, t.size()));
  return h;
}

bool UdpSessionTable::TokenEqual::operator()(const udp_probe_wire::Token& a, const udp_probe_wire::Token& b) const {
  // Every byte is looked at, so how long a comparison takes says nothing
  // about how much of a guessed token was right.
  std::uint8_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  return differ == 0;
}

std::string UdpSessionTable::add(const udp_probe_wire::Token& token, net::ip::address client, std::string limit_key,
                                 Micros now_us, Micros deadline_us) {
  if (live_ >= limits_.max_sessions)
    return "the server has " + std::to_string(live_) + " UDP sessions open, its most (udp_max_sessions)";
  if (sessions_.count(token)) return "token already in use";  // 2^-128: a broken generator
  auto& of_address = per_address_[limit_key];
  if (of_address >= limits_.max_sessions_per_address)
    return "your address has " + std::to_string(of_address) +
           " UDP sessions open already (udp_max_sessions_per_address)";
  UdpSession session;
  session.client = unmapped(client);
  session.limit_key = std::move(limit_key);
  session.deadline_us = deadline_us;
  // A new token starts with a full bucket: a client may begin at once.
  session.bucket = DatagramBucket{limits_.burst, now_us};
  sessions_.emplace(token, std::move(session));
  ++of_address;
  ++live_;
  return {};
}

UdpSessionTable::Verdict UdpSessionTable::admit(const udp_probe_wire::Token& token, net::ip::address from,
                                                Micros now_us, UdpSession*& session) {
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return Verdict::UnknownToken;
  auto& s = it->second;
  if (now_us >= s.deadline_us) return Verdict::Expired;
  if (unmapped(from) != s.client) return Verdict::WrongAddress;
  ++s.requests_received;
  if (!s.bucket.take(now_us, limits_.rate_pps, limits_.burst)) return Verdict::OverRate;
  session = &s;
  return Verdict::Answer;
}

std::size_t UdpSessionTable::sweep(Micros now_us) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto& s = it->second;
    if (s.live && now_us >= s.deadline_us) {
      s.live = false;
      --live_;
      const auto key = per_address_.find(s.limit_key);
      if (key != per_address_.end() && --key->second <= 0) per_address_.erase(key);
    }
    if (!s.live && now_us >= s.deadline_us + kExpiredMemoryUs) it = sessions_.erase(it);
    else ++it;
  }
  return live();
}

}  // namespace bloatmeter::server
