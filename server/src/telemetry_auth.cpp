#include "telemetry_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "responses.hpp"
#include "server_log.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {

bool same_secret(std::string_view given, std::string_view expected) {
  // Digests first: equal lengths for CRYPTO_memcmp, and the time taken
  // tells nothing about the key's length or its first bytes.
  unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

bool TelemetryAuth::over_limit(const std::string& limit_key, Clock::time_point now) {
  auto it = failures_.find(limit_key);
  if (it == failures_.end()) return false;
  auto& times = it->second;
  while (!times.empty() && now - times.front() > kFailureWindow) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return false;
  }
  return static_cast<int>(times.size()) >= kFailuresAllowed;
}

std::optional<http::response<http::string_body>> TelemetryAuth::refusal(const Request& req,
                                                                        const std::string& limit_key,
                                                                        Clock::time_point now) {
  if (settings_.telemetry_api_key.empty())
    return error_response(http::status::forbidden,
                          "the telemetry API is closed: set telemetry_api_key in the server's config file "
                          "(/etc/bloatmeter/bloatmeter.conf or /etc/lqos_test.conf) and restart it",
                          req);
  if (over_limit(limit_key, now)) {
    auto res = busy_response(http::status::too_many_requests, "too many wrong keys from your address; wait a minute",
                             static_cast<int>(kFailureWindow.count()), req);
    return res;
  }
  std::optional<std::string> given;
  const auto authorization = req[http::field::authorization];
  if (authorization.size() > 7 && beast::iequals(authorization.substr(0, 7), "Bearer "))
    given = std::string(authorization.substr(7));
  else if (const auto header = req["X-API-Key"]; !header.empty())
    given = std::string(header);
  const auto query_key = query_param(target_query(req.target()), "api_key");
  if (!given && query_key) {
    if (!settings_.telemetry_allow_query_key) {
      auto res = error_response(http::status::unauthorized,
                                "a key in the URL is not accepted (it would end up in logs): send it as "
                                "'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                                req);
      res.set(http::field::www_authenticate, "Bearer realm=\"bloatmeter telemetry\"");
      return res;
    }
    given = *query_key;
  }
  if (given && same_secret(*given, settings_.telemetry_api_key)) return std::nullopt;
  if (given) {
    // Bounded: a crowd of addresses guessing keys cannot grow the book
    // without end (entries whose window has passed go first).
    if (failures_.size() >= 4096) {
      std::erase_if(failures_, [&](const auto& entry) { return now - entry.second.back() > kFailureWindow; });
      if (failures_.size() >= 4096) failures_.erase(failures_.begin());
    }
    failures_[limit_key].push_back(now);
    // One line per refusal, with no key in it.
    log_event(LogLevel::Warning, "telemetry", "refused a wrong API key from " + limit_key);
  }
  auto res = error_response(http::status::unauthorized,
                            given ? "wrong API key" : "an API key is needed: 'Authorization: Bearer KEY'", req);
  res.set(http::field::www_authenticate, given ? "Bearer realm=\"bloatmeter telemetry\", error=\"invalid_token\""
                                               : "Bearer realm=\"bloatmeter telemetry\"");
  return res;
}

}  // namespace bloatmeter::server
