#pragma once
// The probe lane's two messages (/ws/probe, docs/protocol.md): the one
// definition of their byte layout, for the server and the native client.
// web/probe-worker.js codes the same bytes in JavaScript (it cannot include
// this file); tests/unit/probe_wire_test.cpp pins the layout so that a
// change here fails a test that names the worker to update.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "bloatmeter/byte_order.hpp"

namespace bloatmeter::probe_wire {

inline constexpr std::size_t kRequestBytes = 12;
inline constexpr std::size_t kEchoBytes = 24;

// client -> server.
struct Request {
  std::uint32_t seq = 0;
  std::uint64_t client_send_us = 0;  // opaque to the server, echoed unchanged
};

// server -> client.
struct Echo {
  std::uint32_t seq = 0;
  std::uint64_t client_send_us = 0;  // the request's, echoed
  std::int64_t server_recv_us = 0;   // when the server read the request
  std::uint32_t echo_delay_us = 0;   // from reading the request to starting the echo's write
};

inline std::array<std::uint8_t, kRequestBytes> encode(const Request& r) {
  std::array<std::uint8_t, kRequestBytes> out{};
  wire::store_le(out.data(), r.seq);
  wire::store_le(out.data() + 4, r.client_send_us);
  return out;
}

inline std::array<std::uint8_t, kEchoBytes> encode(const Echo& e) {
  std::array<std::uint8_t, kEchoBytes> out{};
  wire::store_le(out.data(), e.seq);
  wire::store_le(out.data() + 4, e.client_send_us);
  wire::store_le(out.data() + 12, e.server_recv_us);
  wire::store_le(out.data() + 20, e.echo_delay_us);
  return out;
}

// A request, or nothing when `in` is not exactly a request's size.
inline std::optional<Request> decode_request(std::span<const std::uint8_t> in) {
  if (in.size() != kRequestBytes) return std::nullopt;
  return Request{wire::load_le<std::uint32_t>(in.data()), wire::load_le<std::uint64_t>(in.data() + 4)};
}

// An echo, or nothing when `in` is not exactly an echo's size.
inline std::optional<Echo> decode_echo(std::span<const std::uint8_t> in) {
  if (in.size() != kEchoBytes) return std::nullopt;
  const auto* p = in.data();
  return Echo{wire::load_le<std::uint32_t>(p), wire::load_le<std::uint64_t>(p + 4),
              wire::load_le<std::int64_t>(p + 12), wire::load_le<std::uint32_t>(p + 20)};
}

}  // namespace bloatmeter::probe_wire
