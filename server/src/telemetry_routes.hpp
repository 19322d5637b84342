#pragma once
// /api/telemetry/*: the operator's API (docs/operator.md). Every request is
// authenticated and answered on the telemetry thread (ctx.telemetry_executor),
// so no query runs on an I/O thread or holds up the results thread.
#include <string_view>

#include "http_types.hpp"
#include "routes.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

inline constexpr std::string_view kTelemetryPrefix = "/api/telemetry/";

void telemetry_request(Request&& req, std::string_view path, ServerContext& ctx, const ClientInfo& client,
                       Reply reply);

}  // namespace bloatmeter::server
