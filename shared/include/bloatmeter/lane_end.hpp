#pragma once
// Why a test's probe lane ended before the test did, in the words every
// client records in its result (raw.abort_reason) and shows.
#include <string_view>

namespace bloatmeter {

// WebSocket close code 1012, "Service Restart" (IANA's WebSocket close code
// registry): a draining server closes the probe lanes still open when its
// grace period ends (docs/protocol.md, "Draining").
inline constexpr int kServiceRestartCloseCode = 1012;

inline constexpr std::string_view kLaneLostReason = "the connection to the test server was lost";
inline constexpr std::string_view kServerRestartingReason =
    "the test server restarted during the test; try again in a minute";

// The reason for a lane that ended with `close_code` (0: no close frame).
constexpr std::string_view lane_end_reason(int close_code) {
  return close_code == kServiceRestartCloseCode ? kServerRestartingReason : kLaneLostReason;
}

}  // namespace bloatmeter
