#pragma once
// --redirect-https: a page asked for over plain HTTP is sent to the same
// page on HTTPS (301). Only pages: the API, /ping, /download, /metrics and
// the WebSocket lanes answer on both, because a test must not pay a
// redirect (and a probe over plain HTTP is how some networks are tested).
#include <cstdint>

#include "http_types.hpp"

namespace bloatmeter::server {

// `https_port`: the HTTPS listener's port (443 is left out of the URL).
// A Host header that is not a host name or address gets 400.
http::response<http::string_body> redirect_to_https(const Request& req, std::uint16_t https_port);

}  // namespace bloatmeter::server
