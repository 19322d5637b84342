#pragma once
// Native-only helpers the server and the CLI share (not part of the core,
// which does no I/O and is also built to WebAssembly).
#include <cstdint>

namespace bloatmeter::native {

// Bytes the kernel holds for socket `fd` that have not yet left (Linux's
// SIOCOUTQNSD; 0 where it cannot tell). A real-time household sender waits
// for them (bloatmeter/send_room.hpp).
std::uint64_t kernel_unsent_bytes(int fd);

}  // namespace bloatmeter::native
