#include "webhook_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace bloatmeter::server {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

WebhookSignatures sign_webhook(std::string_view secret, std::string_view body, std::int64_t unix_time) {
  const std::string t = std::to_string(unix_time);
  std::string signed_text;
  signed_text.reserve(t.size() + 1 + body.size());
  signed_text.append(t).append(".").append(body);
  return {"sha256=" + hmac_sha256_hex(secret, body), "t=" + t + ",v1=" + hmac_sha256_hex(secret, signed_text)};
}

}  // namespace bloatmeter::server
