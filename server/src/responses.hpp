#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "http_types.hpp"

namespace bloatmeter::server {

// Every response carries the same server header and the request's
// keep-alive and version; these helpers are the one place that happens.
http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                const Request& req);
// {"error": message, "status": code}
http::response<http::string_body> error_response(http::status status, std::string_view message,
                                                 const Request& req);
// For errors before a request could be parsed: HTTP/1.1, connection close.
http::response<http::string_body> error_response_unparsed(http::status status, std::string_view message);

}  // namespace bloatmeter::server
