#pragma once
// Little-endian integers on the wire, whatever the host's byte order (the
// probe lane and the household lanes, docs/protocol.md).
#include <cstddef>
#include <cstdint>

namespace bloatmeter::wire {

template <class T>
T load_le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return static_cast<T>(v);
}

template <class T>
void store_le(std::uint8_t* p, T value) {
  const auto v = static_cast<std::uint64_t>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace bloatmeter::wire
