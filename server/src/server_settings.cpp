#include "server_settings.hpp"

#include <charconv>

#include "origin_policy.hpp"

namespace bloatmeter::server {
namespace {

// Reads key as an integer in [lo, hi] when present; "" or an error message.
template <typename T>
std::string integer_setting(const std::map<std::string, std::string>& values, const char* key, long long lo,
                            long long hi, T& out) {
  const auto it = values.find(key);
  if (it == values.end()) return {};
  const auto& text = it->second;
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < lo || n > hi)
    return std::string(key) + ": expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
           ", got '" + text + "'";
  out = static_cast<T>(n);
  return {};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + " ") {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

}  // namespace

Outcome<ServerSettings> settings_from_config(const std::map<std::string, std::string>& values) {
  using R = Outcome<ServerSettings>;
  ServerSettings s;
  for (const auto& err : {
           integer_setting(values, "result_retention", 1, 100'000'000, s.result_retention),
           integer_setting(values, "max_concurrent_submissions", 1, 10'000, s.max_concurrent_submissions),
           integer_setting(values, "request_timeout_seconds", 1, 3600, s.request_timeout_seconds),
           integer_setting(values, "idle_timeout_seconds", 1, 3600, s.idle_timeout_seconds),
           integer_setting(values, "write_stall_seconds", 1, 3600, s.write_stall_seconds),
           integer_setting(values, "max_transfer_seconds", 1, 86'400, s.max_transfer_seconds),
           integer_setting(values, "max_connections", 1, 1'000'000, s.max_connections),
           integer_setting(values, "max_connections_per_address", 1, 1'000'000, s.max_connections_per_address),
           integer_setting(values, "max_tests", 1, 100'000, s.max_tests),
           integer_setting(values, "max_tests_per_address", 1, 100'000, s.max_tests_per_address),
           integer_setting(values, "max_test_seconds", 1, 86'400, s.max_test_seconds),
           integer_setting(values, "submissions_per_minute_per_address", 1, 100'000,
                           s.submissions_per_minute_per_address),
       })
    if (!err.empty()) return R::failure(err);
  if (const auto it = values.find("allowed_origins"); it != values.end()) {
    for (auto& origin : split_list(it->second)) {
      if (origin != "*" && !normalized_origin(origin))
        return R::failure("allowed_origins: '" + origin + "' is not an origin (scheme://host[:port], e.g. https://www.example.net)");
      s.allowed_origins.push_back(origin == "*" ? origin : *normalized_origin(origin));
    }
  }
  return R::success(std::move(s));
}

}  // namespace bloatmeter::server
