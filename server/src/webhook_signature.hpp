#pragma once
// The signatures of a webhook event (docs/operator.md, "Webhooks"): the
// seed's X-LibreQoS-Signature, an HMAC of the body alone, and bloatmeter's
// X-Bloatmeter-Signature, which also signs the time of sending so a
// receiver can refuse a replayed event.
#include <cstdint>
#include <string>
#include <string_view>

namespace bloatmeter::server {

// HMAC-SHA256 of data with key, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

struct WebhookSignatures {
  std::string libreqos;    // "sha256=" + HMAC(secret, body)
  std::string bloatmeter;  // "t=UNIX,v1=" + HMAC(secret, "UNIX." + body)
};

WebhookSignatures sign_webhook(std::string_view secret, std::string_view body, std::int64_t unix_time);

}  // namespace bloatmeter::server
