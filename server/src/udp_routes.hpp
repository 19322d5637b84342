#pragma once
// POST /api/udp-session (docs/protocol.md, "UDP probe lane"): opens a
// session of the UDP responder for the client's address and hands out its
// token, port, deadline and rate. Browsers' pages of other origins are
// refused before this, as for every POST (origin_policy.hpp).
#include <string_view>

#include "routes.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kUdpSessionPath = "/api/udp-session";

void open_udp_session(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply);

}  // namespace bloatmeter::server
