#pragma once
// certbot's webroot mode while the server runs (docs/deploy.md): with
// --acme-webroot DIR, GET /.well-known/acme-challenge/TOKEN answers the file
// certbot wrote at DIR/.well-known/acme-challenge/TOKEN, on the HTTP
// listener (where the CA asks) and the HTTPS one, never redirected.
#include <filesystem>
#include <string_view>

#include "http_types.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kAcmeChallengePrefix = "/.well-known/acme-challenge/";

// `token`: the path after the prefix. A token is base64url (RFC 8555 §8.3);
// anything else, or no such file, is 404.
http::response<http::string_body> acme_challenge(const Request& req, std::string_view token,
                                                 const std::filesystem::path& webroot);

}  // namespace bloatmeter::server
