#pragma once
// The server's log: one line per event on stderr, "bloatmeter-server:
// LEVEL [topic] message". Errors and refusals are logged, never the
// normal path. Each topic is rate-limited (a burst of kLogBurst lines,
// then one line per kLogRefillSeconds): a flood of bad requests cannot
// flood the log or slow the server, and the next line that gets through
// says how many were held back.
#include <string_view>

namespace bloatmeter::server {

enum class LogLevel { Info, Warning, Error };

inline constexpr int kLogBurst = 10;
inline constexpr int kLogRefillSeconds = 6;

// Thread-safe. Returns whether the line was written (false: rate-limited).
bool log_event(LogLevel level, std::string_view topic, std::string_view message);

// How many lines of every topic were held back so far (tests, /api/health).
unsigned long log_suppressed_total();

}  // namespace bloatmeter::server
