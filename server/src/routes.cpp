#include "routes.hpp"

#include "bloatmeter/result_json.hpp"
#include "bloatmeter/version.hpp"
#include "acme_challenge.hpp"
#include "cors.hpp"
#include "household_routes.hpp"
#include "https_redirect.hpp"
#include "load_routes.hpp"
#include "metrics.hpp"
#include "responses.hpp"
#include "result_routes.hpp"
#include "telemetry_routes.hpp"
#include "static_files.hpp"
#include "rrul_routes.hpp"
#include "udp_routes.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {
namespace {

// How far back /api/health looks at probe echo delays.
constexpr std::uint64_t kEchoWindowMs = 60'000;

http::response<http::string_body> health(const Request& req, ServerContext& ctx) {
  const auto echoes = ctx.echo_delays.recent(ctx.uptime_ms(), kEchoWindowMs);
  return json_response(http::status::ok,
                       {{"status", "ok"},
                        {"version", kVersion},
                        {"uptime_seconds", ctx.uptime_seconds()},
                        {"active_connections", ctx.active_connections.load()},
                        // SIGTERM's drain: running tests end, no new one starts.
                        {"draining", ctx.limits.stopping_new_tests()},
                        {"probe_echo_window_seconds", kEchoWindowMs / 1000},
                        {"probe_echo_count", echoes.count},
                        {"probe_echo_p99_us", echoes.p99_us},
                        {"probe_echo_max_us", echoes.max_us}},
                       req);
}

// The smallest useful answer for HTTP latency probes; never cached.
http::response<http::string_body> ping(const Request& req) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::cache_control, "no-store, no-cache, must-revalidate");
  res.set(http::field::pragma, "no-cache");
  res.keep_alive(req.keep_alive());
  res.body() = "pong";
  res.prepare_payload();
  return res;
}

http::response<http::string_body> sponsor(const Request& req, const ServerContext& ctx) {
  const auto value = [&](const char* key) {
    const auto it = ctx.options.config_values.find(key);
    return it == ctx.options.config_values.end() ? std::string() : it->second;
  };
  return json_response(http::status::ok,
                       {{"name", value("sponsor_name")}, {"url", value("sponsor_url")}, {"city", value("sponsor_city")}},
                       req);
}

bool is_get_or_head(const Request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

constexpr std::string_view kResultsPath = "/api/results";
constexpr std::string_view kResultPrefix = "/api/results/";

}  // namespace

bool is_upload_sink(const Request& req) {
  return req.method() == http::verb::post && target_path(req.target()) == "/upload";
}

bool is_result_submission(const Request& req) {
  return req.method() == http::verb::post && target_path(req.target()) == kResultsPath;
}

std::uint64_t body_limit_for(const Request& req) {
  if (is_upload_sink(req)) return kMaxUploadBytes;
  if (is_result_submission(req)) return kMaxResultBytes;
  return 64 * 1024;
}

void handle_request(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply) {
  const auto path = target_path(req.target());
  const auto only = [&](std::string_view allow) { reply(method_not_allowed(allow, req)); };
  if (is_preflight(req)) return reply(preflight_response(req, ctx.plain_headers.cors_origins));
  if (path == "/api/health") {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(health(req, ctx));
  }
  if (path == "/ping") {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(ping(req));
  }
  if (path == "/api/test-slot") {
    // Whether a test could start now: a browser cannot read why its
    // WebSocket upgrade was refused, so it asks first (client_limits.hpp).
    if (!is_get_or_head(req)) return only("GET, HEAD");
    const auto refusal = ctx.limits.test_refusal(client.limit_key);
    if (!refusal.empty()) return reply(test_refused_response(refusal, req));
    return reply(json_response(http::status::ok, {{"available", true}}, req));
  }
  if (path == "/metrics") {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(metrics_response(req, ctx));
  }
  if (path == "/download") {
    if (req.method() != http::verb::get) return only("GET");
    return reply(download(req, ctx));
  }
  if (path == "/upload") return only("POST");  // POST never gets here: the session streams it
  if (path == "/api/sponsor") {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(sponsor(req, ctx));
  }
  if (path == kResultsPath) {
    if (req.method() != http::verb::post) return only("POST");
    return submit_result(std::move(req), ctx, client, std::move(reply));
  }
  if (path == kUdpSessionPath) {
    if (req.method() != http::verb::post) return only("POST");
    return open_udp_session(std::move(req), ctx, client, std::move(reply));
  }
  if (path == kRrulPath) {
    if (req.method() != http::verb::post) return only("POST");
    return open_rrul(std::move(req), ctx, client, std::move(reply));
  }
  if (path.starts_with(kRrulPrefix)) return rrul_request(std::move(req), path.substr(kRrulPrefix.size()), ctx, std::move(reply));
  if (path.starts_with(kResultPrefix)) {
    if (req.method() != http::verb::get) return only("GET");
    const std::string id(path.substr(kResultPrefix.size()));
    return fetch_result(std::move(req), id, ctx, std::move(reply));
  }
  if (path.starts_with(kTelemetryPrefix)) return telemetry_request(std::move(req), path, ctx, client, std::move(reply));
  if (path.starts_with(kHouseholdHttpPrefix)) return reply(household_request(req, ctx));
  if (path.starts_with("/api/") || path.starts_with("/ws/"))
    return reply(error_response(http::status::not_found, "no such endpoint", req));
  const auto& o = ctx.options;
  if (!o.settings.servers_file.empty() && path == "/servers.json") {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(serve_file(req, o.settings.servers_file));
  }
  if (!o.acme_webroot.empty() && path.starts_with(kAcmeChallengePrefix)) {
    if (!is_get_or_head(req)) return only("GET, HEAD");
    return reply(acme_challenge(req, path.substr(kAcmeChallengePrefix.size()), o.acme_webroot));
  }
  if (o.redirect_https && !client.secure && is_get_or_head(req))
    return reply(redirect_to_https(req, o.tls_listen.front().port));
  reply(serve_static(req, ctx.web_root));
}

}  // namespace bloatmeter::server
