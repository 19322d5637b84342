#pragma once
#include <cstdint>
#include <optional>

#include "bloatmeter/clock.hpp"

namespace bloatmeter {

// One probe of a WebSocket probe lane (docs/protocol.md): when it left,
// when its echo came back, and the server's own times. Client times are
// the client's clock, server times the server's.
struct ProbeRecord {
  std::uint32_t seq = 0;
  Micros sent_us = 0;
  std::optional<Micros> received_us;     // absent: never answered
  std::optional<Micros> server_recv_us;  // server's receive time
  std::optional<Micros> server_echo_us;  // server's read-to-write delay
};

}  // namespace bloatmeter
