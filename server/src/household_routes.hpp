#pragma once
// The virtual household's HTTP endpoints (docs/protocol.md): the profile
// set, health and stats; and the WebSocket upgrade's query, checked before
// the upgrade so a bad request gets an HTTP answer.
#include <optional>
#include <string>
#include <string_view>

#include "http_types.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kHouseholdHttpPrefix = "/virtual-household/";
inline constexpr std::string_view kHouseholdWsPrefix = "/ws/virtual-household/";

// Answers GET/HEAD /virtual-household/{profiles,health,stats} and any other
// path under the prefix (404, 405).
Response household_request(const Request& req, ServerContext& ctx);

// ?greedy=: absent, "0" or "false": false; "1" or "true": true; anything
// else: nothing (the request is refused).
std::optional<bool> greedy_param(std::string_view query);

}  // namespace bloatmeter::server
