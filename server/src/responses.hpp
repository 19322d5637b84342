#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cors.hpp"
#include "http_types.hpp"
#include "export_body.hpp"
#include "pool_body.hpp"
#include "server_log.hpp"

namespace bloatmeter::server {

// Every answer a route can give, by body kind. Routes build one; the
// session stamps the common headers on it (finish_response) and writes it.
using Response = std::variant<http::response<http::string_body>, http::response<http::empty_body>,
                              http::response<http::file_body>, http::response<PoolBody>,
                              http::response<ExportBody>>;

// The headers every response carries, fixed when the server starts.
struct HeaderPolicy {
  std::string content_security_policy;
  bool strict_transport_security = false;  // HTTPS listeners only
  std::vector<std::string> cors_origins;   // may read answers cross-origin (cors.hpp)
};

// The policy for a server whose page may be framed by its own origin plus
// `allowed_origins`, and whose page connects to its own origin plus
// `connect_origins` (a fleet's other servers; server_settings.hpp).
HeaderPolicy header_policy(const std::vector<std::string>& allowed_origins,
                           const std::vector<std::string>& connect_origins, bool tls);

// connect-src of the Content-Security-Policy: 'self' and each origin with
// its WebSocket twin (an https: source does not match wss:).
std::string connect_sources(const std::vector<std::string>& connect_origins);

// Sets the server's name and the security headers on any response.
// "bloatmeter/<version>": the Server header of every response and WebSocket upgrade.
const std::string& server_token();

void stamp_headers(http::response_header<>& header, const HeaderPolicy& policy);

// Stamps the headers (and the request's CORS answer) and, for a HEAD
// request, keeps the Content-Length of the body a GET would get but sends
// none: one place for every route, so no route can desynchronize a
// kept-alive client by answering HEAD with a body.
http::message_generator finish_response(Response&& response, const HeaderPolicy& policy, bool head_request,
                                        const CorsAnswer& cors = {});

// Every response carries the request's keep-alive and version; these
// helpers are the one place JSON answers are made.
http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                const Request& req);
// {"error": message, "status": code}
http::response<http::string_body> error_response(http::status status, std::string_view message,
                                                 const Request& req);
// 405 with the methods the path takes (RFC 9110 requires Allow).
http::response<http::string_body> method_not_allowed(std::string_view allow, const Request& req);
// What a 503 or 429 tells a client to wait before trying again.
inline constexpr int kBusyRetrySeconds = 5;
// How long a page waits before it asks a restarting server again.
inline constexpr int kRestartRetrySeconds = 30;

// 503 for a test the server will not start now (`why`: the limits'
// refusal): busy, or restarting (kRestartingRefusal: "restarting": true in
// the body, so the page says so, and a longer Retry-After).
http::response<http::string_body> test_refused_response(const std::string& why, const Request& req);

// 503 (full) or 429 (too often) with Retry-After: try again in `retry_seconds`.
http::response<http::string_body> busy_response(http::status status, std::string_view message, int retry_seconds,
                                                const Request& req);
// For errors before a request could be parsed: HTTP/1.1, connection close.
http::response<http::string_body> error_response_unparsed(http::status status, std::string_view message);

// Runs a route; an exception it throws (a bug, or memory running out) is
// logged and answered with 500, never let loose on an I/O thread.
template <class MakeResponse>
Response answer_or_500(const Request& req, std::string_view topic, MakeResponse&& make) {
  try {
    return make();
  } catch (const std::exception& e) {
    log_event(LogLevel::Error, topic, std::string("a handler failed on ") + std::string(req.target()) + ": " + e.what());
  } catch (...) {
    log_event(LogLevel::Error, topic, "a handler failed on " + std::string(req.target()));
  }
  return error_response(http::status::internal_server_error, "internal error", req);
}

}  // namespace bloatmeter::server
