#include "routes.hpp"

#include "bloatmeter/version.hpp"
#include "responses.hpp"
#include "static_files.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {
namespace {

http::message_generator health(const Request& req, ServerContext& ctx) {
  return json_response(http::status::ok,
                       {{"status", "ok"},
                        {"version", kVersion},
                        {"uptime_seconds", ctx.uptime_seconds()},
                        {"active_connections", ctx.active_connections.load()}},
                       req);
}

// The smallest useful answer for HTTP latency probes; never cached.
http::message_generator ping(const Request& req) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::server, std::string("bloatmeter/") + kVersion);
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::cache_control, "no-store, no-cache, must-revalidate");
  res.set(http::field::pragma, "no-cache");
  res.keep_alive(req.keep_alive());
  if (req.method() != http::verb::head) res.body() = "pong";
  res.prepare_payload();
  return res;
}

bool is_get_or_head(const Request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

}  // namespace

std::uint64_t body_limit_for(const Request&) { return 64 * 1024; }

http::message_generator handle_request(Request&& req, ServerContext& ctx) {
  const auto path = target_path(req.target());
  if (path == "/api/health") {
    if (!is_get_or_head(req)) return error_response(http::status::method_not_allowed, "method not allowed", req);
    return health(req, ctx);
  }
  if (path == "/ping") {
    if (!is_get_or_head(req)) return error_response(http::status::method_not_allowed, "method not allowed", req);
    return ping(req);
  }
  if (path.starts_with("/api/") || path.starts_with("/ws/"))
    return error_response(http::status::not_found, "no such endpoint", req);
  return serve_static(req, ctx.web_root);
}

}  // namespace bloatmeter::server
