#pragma once
// POST /api/results and GET /api/results/{id}. Parsing, recomputing and
// SQLite run on the results thread (ctx.results_executor); the answer goes
// back through `reply`, which returns it to the session's strand.
#include <string_view>

#include "http_types.hpp"
#include "routes.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

void submit_result(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply);
void fetch_result(Request&& req, std::string_view id, ServerContext& ctx, Reply reply);

}  // namespace bloatmeter::server
