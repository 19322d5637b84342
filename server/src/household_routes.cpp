#include "household_routes.hpp"

#include "responses.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {

std::optional<bool> greedy_param(std::string_view query) {
  const auto value = query_param(query, "greedy");
  if (!value || *value == "0" || *value == "false") return false;
  if (*value == "1" || *value == "true") return true;
  return std::nullopt;
}

namespace {

// The profile set exactly as the shared core serializes it.
http::response<http::string_body> profiles(const Request& req, const ServerContext& ctx, bool greedy) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = ctx.household.profiles_json(greedy);
  res.prepare_payload();
  return res;
}

}  // namespace

Response household_request(const Request& req, ServerContext& ctx) {
  const auto path = target_path(req.target());
  const auto name = path.substr(kHouseholdHttpPrefix.size());
  if (name != "profiles" && name != "health" && name != "stats")
    return error_response(http::status::not_found, "no such endpoint", req);
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return method_not_allowed("GET, HEAD", req);
  if (name == "profiles") {
    const auto greedy = greedy_param(target_query(req.target()));
    if (!greedy) return error_response(http::status::bad_request, "greedy must be 0, 1, false or true", req);
    return profiles(req, ctx, *greedy);
  }
  if (name == "health") return json_response(http::status::ok, ctx.household.health_json(), req);
  return json_response(http::status::ok, ctx.household.stats_json(ctx.uptime_ms()), req);
}

}  // namespace bloatmeter::server
