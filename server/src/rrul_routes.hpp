#pragma once
// The RRUL test's HTTP side (docs/protocol.md, "RRUL"): POST /api/rrul
// opens a test (RrulRegistry), GET /api/rrul/ID reports the server's CPU
// and its flows' marking, DELETE /api/rrul/ID ends it. The flows
// themselves run on the existing lanes (/ws/bulk-*, /ws/probe with
// ?rrul=ID&dscp=N) and the UDP responder (POST /api/udp-session).
#include <string_view>

#include "routes.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kRrulPath = "/api/rrul";
inline constexpr std::string_view kRrulPrefix = "/api/rrul/";

void open_rrul(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply);
void rrul_request(Request&& req, std::string_view id, ServerContext& ctx, Reply reply);

}  // namespace bloatmeter::server
