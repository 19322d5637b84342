#pragma once
#include "http_types.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

// Plain HTTP requests (not WebSocket upgrades): the API and the static site.
http::message_generator handle_request(Request&& req, ServerContext& ctx);

// How large a request body each route accepts, decided from the header
// before the body is read.
std::uint64_t body_limit_for(const Request& req);

}  // namespace bloatmeter::server
