#pragma once
// Starts the HTTP session for an accepted connection. The plain and the TLS
// session types (and every WebSocket session they can become) are compiled
// in two translation units of their own, so the build runs them side by
// side: together in one file they were the build's longest step by far
// (13 minutes under clang's sanitizers).
#include "http_types.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

void start_plain_session(tcp::socket&& socket, ServerContext& ctx);
void start_tls_session(tcp::socket&& socket, ssl::context& tls, ServerContext& ctx);

}  // namespace bloatmeter::server
