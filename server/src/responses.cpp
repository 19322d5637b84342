#include "responses.hpp"

#include "client_limits.hpp"

#include "bloatmeter/version.hpp"

namespace bloatmeter::server {
namespace {
http::response<http::string_body> json_body(http::status status, const nlohmann::json& body, unsigned version,
                                            bool keep_alive) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  // Text that is not UTF-8 is replaced, never thrown on: an answer must
  // not take its I/O thread down.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}
}  // namespace

std::string connect_sources(const std::vector<std::string>& connect_origins) {
  std::string sources = "'self'";
  for (const auto& origin : connect_origins) {
    sources += " " + origin;
    if (origin.starts_with("https://")) sources += " wss://" + origin.substr(8);
    else if (origin.starts_with("http://")) sources += " ws://" + origin.substr(7);
  }
  return sources;
}

HeaderPolicy header_policy(const std::vector<std::string>& allowed_origins,
                           const std::vector<std::string>& connect_origins, bool tls) {
  std::string ancestors = "'self'";
  for (const auto& origin : allowed_origins) ancestors += " " + origin;
  HeaderPolicy p;
  // The page is files only (no inline script), WebAssembly compiled from
  // its .wasm ('wasm-unsafe-eval'), workers from files, and connections
  // (fetch, WebSocket) to this origin and the fleet's servers.
  p.content_security_policy =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src " +
      connect_sources(connect_origins) +
      "; img-src 'self' data: blob:; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
      "form-action 'none'; frame-ancestors " +
      ancestors;
  p.strict_transport_security = tls;
  p.cors_origins = cors_origins_of(allowed_origins);
  return p;
}

const std::string& server_token() {
  static const std::string token = std::string("bloatmeter/") + kVersion;
  return token;
}

void stamp_headers(http::response_header<>& h, const HeaderPolicy& policy) {
  h.set(http::field::server, server_token());
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Referrer-Policy", "no-referrer");
  h.set("Content-Security-Policy", policy.content_security_policy);
  if (policy.strict_transport_security) h.set("Strict-Transport-Security", "max-age=31536000");
}

http::message_generator finish_response(Response&& response, const HeaderPolicy& policy, bool head_request,
                                        const CorsAnswer& cors) {
  return std::visit(
      [&](auto&& res) -> http::message_generator {
        stamp_headers(res.base(), policy);
        if (!cors.allow_origin.empty()) res.set(http::field::access_control_allow_origin, cors.allow_origin);
        if (cors.vary && res.find(http::field::vary) == res.end()) res.set(http::field::vary, "Origin");
        using Res = std::decay_t<decltype(res)>;
        if constexpr (std::is_same_v<Res, http::response<http::string_body>>) {
          if (head_request && !res.body().empty()) {
            res.content_length(res.body().size());
            res.body().clear();
          }
        }
        return http::message_generator(std::move(res));
      },
      std::move(response));
}

http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                const Request& req) {
  return json_body(status, body, req.version(), req.keep_alive());
}

http::response<http::string_body> error_response(http::status status, std::string_view message,
                                                 const Request& req) {
  return json_response(status, {{"error", message}, {"status", static_cast<int>(status)}}, req);
}

http::response<http::string_body> method_not_allowed(std::string_view allow, const Request& req) {
  auto res = error_response(http::status::method_not_allowed, "method not allowed (allowed: " + std::string(allow) + ")", req);
  res.set(http::field::allow, allow);
  return res;
}

http::response<http::string_body> busy_response(http::status status, std::string_view message, int retry_seconds,
                                                const Request& req) {
  auto res = json_response(status, {{"error", message}, {"status", static_cast<int>(status)}, {"retry_after_seconds", retry_seconds}},
                           req);
  res.set(http::field::retry_after, std::to_string(retry_seconds));
  return res;
}

http::response<http::string_body> test_refused_response(const std::string& why, const Request& req) {
  if (why != kRestartingRefusal)
    return busy_response(http::status::service_unavailable, "the test server is busy: " + why, kBusyRetrySeconds, req);
  auto res = json_response(http::status::service_unavailable,
                           {{"error", why}, {"status", 503}, {"retry_after_seconds", kRestartRetrySeconds},
                            {"restarting", true}},
                           req);
  res.set(http::field::retry_after, std::to_string(kRestartRetrySeconds));
  return res;
}

http::response<http::string_body> error_response_unparsed(http::status status, std::string_view message) {
  return json_body(status, {{"error", message}, {"status", static_cast<int>(status)}}, 11, false);
}

}  // namespace bloatmeter::server
