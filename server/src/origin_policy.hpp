#pragma once
// Which web pages may use this server from a browser. Browsers send an
// Origin header with every WebSocket upgrade and every POST; a page from
// another site must not open test lanes or submit results in a visitor's
// name. Requests without an Origin (the native client, curl) are not
// browsers' and pass.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/web_origin.hpp"
#include "http_types.hpp"

namespace bloatmeter::server {

// One normalisation for the server and the browser (a fleet's servers.json).
using bloatmeter::normalized_origin;

// The request's Origin is absent, the server's own (its authority equals
// the Host header the browser sent: right behind a proxy that keeps Host
// and terminates TLS), or one of `allowed` ("*" allows any).
bool origin_allowed(const Request& req, const std::vector<std::string>& allowed);

}  // namespace bloatmeter::server
