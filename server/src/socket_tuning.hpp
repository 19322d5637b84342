#pragma once
#include <cstddef>

#include "http_types.hpp"

namespace bloatmeter::server {

// Load streams keep little unsent data in the kernel (TCP_NOTSENT_LOWAT),
// so the queue a test measures is the network's, not the server's own
// socket buffer. Returns false where the option is unsupported.
bool set_notsent_lowat(tcp::socket& socket, std::size_t bytes);

inline constexpr std::size_t kBulkNotSentLowat = 128 * 1024;

}  // namespace bloatmeter::server
