#pragma once
// The household lane's binary messages (docs/protocol.md,
// "/ws/virtual-household/{user_id}"), little-endian on the wire whatever
// the host's byte order. Every binary message starts with the same four
// bytes: 'B', 'H', the version, and the message kind.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/byte_order.hpp"

namespace bloatmeter {

inline constexpr std::uint8_t kHouseholdMagic0 = 'B';
inline constexpr std::uint8_t kHouseholdMagic1 = 'H';
inline constexpr std::uint8_t kHouseholdVersion = 1;

enum class HouseholdKind : std::uint8_t { Download = 1, Upload = 2, UploadAck = 3 };

// Download header flags.
inline constexpr std::uint8_t kFlagBurstFirst = 1;
inline constexpr std::uint8_t kFlagBurstLast = 2;
inline constexpr std::uint8_t kFlagBurstFlow = 4;

inline constexpr std::size_t kDownloadHeaderBytes = 56;
inline constexpr std::size_t kUploadHeaderBytes = 16;
inline constexpr std::size_t kUploadAckBytes = 32;

// server -> client: one paced download message (header, then padding up to
// message_bytes).
struct DownloadHeader {
  std::uint32_t seq = 0;
  std::uint32_t message_bytes = 0;  // the whole message, header included
  std::uint8_t flags = 0;
  Micros server_sent_us = 0;        // when the server started writing it
  Micros due_us = 0;                // when the pacer scheduled it
  std::uint32_t burst = 0;
  std::uint64_t burst_bytes = 0;
  Micros burst_started_us = 0;
};

// client -> server: the start of an upload message.
struct UploadHeader {
  std::uint32_t seq = 0;
  std::int64_t client_sent_us = 0;  // opaque to the server, echoed
};

// server -> client: the acknowledgement of one upload message.
struct UploadAck {
  std::uint32_t seq = 0;
  std::uint32_t message_bytes = 0;  // the upload message's whole size as read
  std::int64_t client_sent_us = 0;
  Micros server_recv_us = 0;
};

namespace household_wire {

inline void put_prefix(std::uint8_t* p, HouseholdKind kind) {
  p[0] = kHouseholdMagic0;
  p[1] = kHouseholdMagic1;
  p[2] = kHouseholdVersion;
  p[3] = static_cast<std::uint8_t>(kind);
}

inline void encode(const DownloadHeader& h, std::array<std::uint8_t, kDownloadHeaderBytes>& out) {
  out.fill(0);
  auto* p = out.data();
  put_prefix(p, HouseholdKind::Download);
  wire::store_le(p + 4, h.seq);
  wire::store_le(p + 8, h.message_bytes);
  p[12] = h.flags;
  wire::store_le(p + 16, h.server_sent_us);
  wire::store_le(p + 24, h.due_us);
  wire::store_le(p + 32, h.burst);
  wire::store_le(p + 40, h.burst_bytes);
  wire::store_le(p + 48, h.burst_started_us);
}

inline void encode(const UploadAck& a, std::array<std::uint8_t, kUploadAckBytes>& out) {
  out.fill(0);
  auto* p = out.data();
  put_prefix(p, HouseholdKind::UploadAck);
  wire::store_le(p + 4, a.seq);
  wire::store_le(p + 8, a.message_bytes);
  wire::store_le(p + 16, a.client_sent_us);
  wire::store_le(p + 24, a.server_recv_us);
}

inline void encode(const UploadHeader& h, std::array<std::uint8_t, kUploadHeaderBytes>& out) {
  out.fill(0);
  auto* p = out.data();
  put_prefix(p, HouseholdKind::Upload);
  wire::store_le(p + 4, h.seq);
  wire::store_le(p + 8, h.client_sent_us);
}

inline bool has_prefix(std::span<const std::uint8_t> in, HouseholdKind kind, std::size_t min_bytes) {
  return in.size() >= min_bytes && in[0] == kHouseholdMagic0 && in[1] == kHouseholdMagic1 &&
         in[2] == kHouseholdVersion && in[3] == static_cast<std::uint8_t>(kind);
}

// A download message's header, or nothing when `in` is not one.
inline std::optional<DownloadHeader> decode_download(std::span<const std::uint8_t> in) {
  if (!has_prefix(in, HouseholdKind::Download, kDownloadHeaderBytes)) return std::nullopt;
  const auto* p = in.data();
  DownloadHeader h;
  h.seq = wire::load_le<std::uint32_t>(p + 4);
  h.message_bytes = wire::load_le<std::uint32_t>(p + 8);
  h.flags = p[12];
  h.server_sent_us = wire::load_le<std::int64_t>(p + 16);
  h.due_us = wire::load_le<std::int64_t>(p + 24);
  h.burst = wire::load_le<std::uint32_t>(p + 32);
  h.burst_bytes = wire::load_le<std::uint64_t>(p + 40);
  h.burst_started_us = wire::load_le<std::int64_t>(p + 48);
  return h;
}

// An upload acknowledgement, or nothing when `in` is not one.
inline std::optional<UploadAck> decode_upload_ack(std::span<const std::uint8_t> in) {
  if (!has_prefix(in, HouseholdKind::UploadAck, kUploadAckBytes)) return std::nullopt;
  const auto* p = in.data();
  return UploadAck{wire::load_le<std::uint32_t>(p + 4), wire::load_le<std::uint32_t>(p + 8),
                   wire::load_le<std::int64_t>(p + 16), wire::load_le<std::int64_t>(p + 24)};
}

// The upload header at the start of `in`, or nothing when the message is
// too short or does not start with the upload prefix.
inline std::optional<UploadHeader> decode_upload(std::span<const std::uint8_t> in) {
  if (!has_prefix(in, HouseholdKind::Upload, kUploadHeaderBytes)) return std::nullopt;
  return UploadHeader{wire::load_le<std::uint32_t>(in.data() + 4), wire::load_le<std::int64_t>(in.data() + 8)};
}

}  // namespace household_wire
}  // namespace bloatmeter
