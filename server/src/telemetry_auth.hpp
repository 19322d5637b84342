#pragma once
// Who may read telemetry: the holder of telemetry_api_key. Closed when no
// key is set (never open, as the seed's API was). Keys are compared in
// constant time; an address that keeps guessing is made to wait.
// Used from the telemetry thread only, so its bookkeeping needs no lock.
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "http_types.hpp"
#include "server_settings.hpp"

namespace bloatmeter::server {

class TelemetryAuth {
 public:
  using Clock = std::chrono::steady_clock;
  // Failures from one address within kFailureWindow before it must wait.
  static constexpr int kFailuresAllowed = 5;
  static constexpr std::chrono::seconds kFailureWindow{60};

  explicit TelemetryAuth(const ServerSettings& settings) : settings_(settings) {}

  // Nothing when the request carries the key; otherwise the refusal
  // (403 closed, 401 missing or wrong, 429 too many failures).
  std::optional<http::response<http::string_body>> refusal(const Request& req, const std::string& limit_key,
                                                           Clock::time_point now);

 private:
  bool over_limit(const std::string& limit_key, Clock::time_point now);
  const ServerSettings& settings_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;
};

// Constant-time comparison of two secrets of any lengths.
bool same_secret(std::string_view given, std::string_view expected);

}  // namespace bloatmeter::server
