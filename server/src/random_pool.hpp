#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "http_types.hpp"

namespace bloatmeter::server {

// Incompressible bytes for every load stream, generated once at start-up
// and read-only afterwards, so any number of sessions can send slices of it
// without copying or locking. Random data keeps compressing middleboxes
// from inflating measured throughput.
class RandomPool {
 public:
  explicit RandomPool(std::size_t size);
  std::size_t size() const { return bytes_.size(); }
  // A contiguous slice starting at `position` (taken modulo the pool size)
  // of at most `max_bytes`: shorter when the pool's end comes first.
  net::const_buffer slice(std::uint64_t position, std::size_t max_bytes) const;

 private:
  std::vector<std::uint8_t> bytes_;
};

inline constexpr std::size_t kRandomPoolBytes = 4 * 1024 * 1024;

}  // namespace bloatmeter::server
