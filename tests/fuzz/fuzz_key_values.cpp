// The server's config file (--config, bloatmeter.conf): parse_key_values
// reads it, settings_from_config checks the limits among its keys, and the
// allowed origins end up in every response's Content-Security-Policy.
//
// Invariants: keys are [A-Za-z0-9_.-]+, values are UTF-8 without a line
// break; the map written back as quoted lines parses to the same map;
// accepted settings are inside their documented ranges; allowed origins are
// "*" or normalized (no byte that could end a header).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bloatmeter/key_values.hpp"
#include "bloatmeter/utf8.hpp"
#include "origin_policy.hpp"
#include "responses.hpp"
#include "server_settings.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_key_values: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

bool header_safe(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

void check_range(const char* key, long long v, long long lo, long long hi) {
  if (v < lo || v > hi) fail("setting out of range", key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bloatmeter;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_key_values(text);
  if (!parsed) {
    if (parsed.error().rfind("line ", 0) != 0) fail("an error that names no line", parsed.error());
    return 0;
  }
  const auto& values = parsed.value();

  std::string written;
  bool writable = true;
  for (const auto& [key, value] : values) {
    if (key.empty()) fail("empty key", key);
    for (unsigned char c : key)
      if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-')) fail("key with a character outside [A-Za-z0-9_.-]", key);
    if (value.find('\n') != std::string::npos) fail("value with a line break", value);
    if (!is_valid_utf8(value)) fail("value that is not UTF-8", value);
    const char quote = value.find('"') == std::string::npos ? '"' : value.find('\'') == std::string::npos ? '\'' : 0;
    if (!quote) writable = false;
    written += key + "=" + quote + value + quote + "\n";
  }
  if (writable) {
    const auto reread = parse_key_values(written);
    if (!reread) fail("the map written back does not parse", reread.error());
    if (reread.value() != values) fail("the map written back parses differently", written);
  }

  const auto settings = server::settings_from_config(values);
  if (!settings) {
    if (settings.error().empty()) fail("settings refused without a reason", "");
    return 0;
  }
  const auto& s = settings.value();
  check_range("result_retention", static_cast<long long>(s.result_retention), 1, 100'000'000);
  check_range("max_concurrent_submissions", s.max_concurrent_submissions, 1, 10'000);
  check_range("request_timeout_seconds", s.request_timeout_seconds, 1, 3600);
  check_range("idle_timeout_seconds", s.idle_timeout_seconds, 1, 3600);
  check_range("write_stall_seconds", s.write_stall_seconds, 1, 3600);
  check_range("max_transfer_seconds", s.max_transfer_seconds, 1, 86'400);
  for (const auto& origin : s.allowed_origins) {
    if (origin == "*") continue;
    if (!header_safe(origin)) fail("an allowed origin that could break a header", origin);
    const auto again = server::normalized_origin(origin);
    if (!again) fail("an allowed origin that is not an origin", origin);
  }
  for (const auto& origin : s.connect_origins) {
    if (!header_safe(origin)) fail("a connect origin that could break a header", origin);
    if (!server::normalized_origin(origin)) fail("a connect origin that is not an origin", origin);
  }
  for (const bool tls : {false, true}) {
    const auto policy = server::header_policy(s.allowed_origins, s.connect_origins, tls);
    if (!header_safe(policy.content_security_policy))
      fail("a Content-Security-Policy that could break the header", policy.content_security_policy);
  }
  return 0;
}
