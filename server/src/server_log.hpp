#pragma once
// The server's log: one line per event on stderr, "bloatmeter-server:
// LEVEL [topic] message", or one JSON object per line with --log-format
// json (docs/operator.md, "Logs"). Errors and refusals are logged, never the
// normal path. Each topic is rate-limited (a burst of kLogBurst lines,
// then one line per kLogRefillSeconds): a flood of bad requests cannot
// flood the log or slow the server, and the next line that gets through
// says how many were held back.
#include <cstdint>
#include <string_view>

namespace bloatmeter::server {

enum class LogLevel { Info, Warning, Error };
enum class LogFormat { Text, Json };

// How lines are written; set once at start, before any thread logs.
void set_log_format(LogFormat format);

inline constexpr int kLogBurst = 10;
inline constexpr int kLogRefillSeconds = 6;

// Thread-safe. Returns whether the line was written (false: rate-limited).
bool log_event(LogLevel level, std::string_view topic, std::string_view message);

// How many lines of every topic were held back so far (tests, /api/health).
unsigned long log_suppressed_total();

// One HTTP request as the access log keeps it (--access-log; off by
// default: addresses are personal data). The path carries no query string
// (it may hold a key). Never rate-limited: an operator who asks for every
// request gets every request.
struct AccessRecord {
  std::string_view client_ip;
  std::string_view method;
  std::string_view path;
  unsigned status = 0;
  std::uint64_t bytes = 0;  // of the response, headers included
  double milliseconds = 0;  // from the request's header to the response's last byte
  bool tls = false;
  bool complete = true;     // false: the client left before the response ended
};
void log_access(const AccessRecord& record);

}  // namespace bloatmeter::server
