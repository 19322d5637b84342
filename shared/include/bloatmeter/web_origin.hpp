#pragma once
// Web origins (RFC 6454) as the server and the browser compare them: the
// server's allowed_origins and Origin checks, a fleet's servers.json.
#include <optional>
#include <string>
#include <string_view>

namespace bloatmeter {

// "HTTPS://Example.net:443" -> "https://example.net"; nothing when the text
// is not scheme://host[:port] with scheme http or https.
std::optional<std::string> normalized_origin(std::string_view text);

// The WebSocket origin of an http(s) origin: "https://a.example" ->
// "wss://a.example", "http://..." -> "ws://..."; other text unchanged.
std::string websocket_origin(std::string_view http_origin);

// host[:port], lower-cased, without the scheme's default port (":443" for
// https, ":80" otherwise).
std::string authority_without_default_port(std::string_view authority, std::string_view scheme);

}  // namespace bloatmeter
