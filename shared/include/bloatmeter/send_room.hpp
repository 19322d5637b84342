#pragma once
// How much a household user's sender may hand its connection now (method
// §4, "Real-time users drop, they do not queue"). The same rule on every
// side: the server's download senders, the native client's and the
// browser's upload senders.
//
// A real-time flow (Tick: a game's ticks, a call's frames) keeps at most one
// message unsent, counting both the application's queue and what the
// system still holds unsent below it (the kernel's send queue, where the
// sender can read it). Why: on a line slower than the household's demand a
// TCP connection's own send buffer holds seconds of ticks, and a tick that
// waits there measures the sender's backlog, not the line's queue; a real
// game or call sends the newest state and loses the stale one. A tick with
// no room waits in the pacer while fresh and is dropped, and counted, once
// it is max_backlog_us old.
//
// Other flows (a streaming buffer, a computer's transfer) are what TCP
// applications are: they keep their socket full. Their application queue
// is capped so a stalled reader costs a bounded queue, never a burst.
#include <cstdint>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/household_profile.hpp"

namespace bloatmeter {

// A bulk flow's application queue: this much, or two messages if larger.
inline constexpr std::uint64_t kBulkRoomBytes = 32 * 1024;
// Unsent bytes a real-time message may find ahead of it and still go:
// framing, an acknowledgement or a report on the same connection.
inline constexpr std::uint64_t kRealTimeSlackBytes = 512;
// How often a sender whose real-time message waits for the system's send
// queue to drain looks again (no completion tells it).
inline constexpr Micros kRoomPollUs = 2'000;

// Tick flows are real time; the others are bulk.
bool is_real_time(const FlowSpec& flow);

// What the pacer may hand out now (Pacer::take_due's room_bytes), given the
// bytes in the sender's own queue and those the system still holds unsent
// (0 where it cannot tell: a browser sees only its WebSocket's
// bufferedAmount).
std::uint64_t send_room(const FlowSpec& flow, std::uint64_t app_queued_bytes, std::uint64_t system_unsent_bytes);

}  // namespace bloatmeter
