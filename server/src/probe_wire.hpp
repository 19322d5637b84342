#pragma once
// The probe lane's messages (docs/protocol.md), little-endian on the wire
// whatever the host's byte order.
#include <array>
#include <cstdint>
#include <span>

#include "bloatmeter/byte_order.hpp"

namespace bloatmeter::server {

inline constexpr std::size_t kProbeRequestBytes = 12;
inline constexpr std::size_t kProbeEchoBytes = 24;

struct ProbeRequest {
  std::uint32_t seq = 0;
  std::uint64_t client_send_us = 0;  // opaque to the server, echoed unchanged
};

struct ProbeEcho {
  std::uint32_t seq = 0;
  std::uint64_t client_send_us = 0;
  std::int64_t server_recv_us = 0;
  std::uint32_t echo_delay_us = 0;
};


inline ProbeRequest decode_probe_request(std::span<const std::uint8_t, kProbeRequestBytes> in) {
  return {wire::load_le<std::uint32_t>(in.data()), wire::load_le<std::uint64_t>(in.data() + 4)};
}

inline void encode_probe_echo(const ProbeEcho& e, std::array<std::uint8_t, kProbeEchoBytes>& out) {
  wire::store_le(out.data(), e.seq);
  wire::store_le(out.data() + 4, e.client_send_us);
  wire::store_le(out.data() + 12, e.server_recv_us);
  wire::store_le(out.data() + 20, e.echo_delay_us);
}

}  // namespace bloatmeter::server
