#pragma once
// POST /api/udp-session (docs/protocol.md, "UDP probe lane"): opens a
// session of the UDP responder for the client's address and hands out its
// token, port, deadline and rate. Browsers' pages of other origins are
// refused before this, as for every POST (origin_policy.hpp).
#include <optional>
#include <string_view>

#include "routes.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kUdpSessionPath = "/api/udp-session";

// ?seconds=N: how long a session or test should last, 1 to
// max_test_seconds (the default: a test's lanes never outlive it either);
// nothing, after answering 400, when N is out of range or not a number.
std::optional<int> seconds_or_refuse(const Request& req, const ServerContext& ctx, const Reply& reply);

void open_udp_session(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply);

}  // namespace bloatmeter::server
