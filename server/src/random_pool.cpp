#include "random_pool.hpp"

#include <algorithm>
#include <random>

#include <openssl/rand.h>

namespace bloatmeter::server {

RandomPool::RandomPool(std::size_t size) : bytes_(size) {
  // The bytes need not be secret, only incompressible; OpenSSL's generator
  // is simply the fastest good source at hand. Should it fail, a seeded
  // PRNG is just as incompressible.
  if (RAND_bytes(bytes_.data(), static_cast<int>(bytes_.size())) != 1) {
    std::mt19937_64 gen{std::random_device{}()};
    for (auto& b : bytes_) b = static_cast<std::uint8_t>(gen());
  }
}

net::const_buffer RandomPool::slice(std::uint64_t position, std::size_t max_bytes) const {
  const auto start = static_cast<std::size_t>(position % bytes_.size());
  return net::const_buffer(bytes_.data() + start, std::min(max_bytes, bytes_.size() - start));
}

}  // namespace bloatmeter::server
