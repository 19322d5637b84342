#include "telemetry_routes.hpp"

#include "responses.hpp"
#include "server_log.hpp"
#include "telemetry_auth.hpp"
#include "telemetry_reader.hpp"
#include "url_path.hpp"
#include "webhook_status.hpp"

namespace bloatmeter::server {
namespace {

constexpr std::string_view kCustomerPrefix = "customer/";

nlohmann::json rows_json(const std::vector<TelemetryRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows) out.push_back(to_json(row));
  return out;
}

http::response<http::string_body> database_error(const Request& req, const std::string& why) {
  log_event(LogLevel::Error, "telemetry", why);
  return error_response(http::status::internal_server_error, "could not read telemetry", req);
}

http::response<http::string_body> page_response(const Request& req, TelemetryReader& reader,
                                                const TelemetryFilter& filter, nlohmann::json extra = {}) {
  auto page = reader.page(filter);
  if (!page) return database_error(req, page.error());
  nlohmann::json body{{"filters", to_json(filter)},
                      {"count", page.value().rows.size()},
                      {"rows", rows_json(page.value().rows)},
                      {"next_cursor", page.value().next_cursor ? nlohmann::json(*page.value().next_cursor) : nullptr}};
  if (extra.is_object()) body.update(extra);
  return json_response(http::status::ok, body, req);
}

// The customer a path names ("192.0.2.7", "2001:db8::1", "2001:db8::/48",
// percent-encoded or not), widened to what telemetry_store_ip keeps.
Outcome<IpPrefix> customer_of(std::string_view rest, IpKeeping keeping) {
  const auto decoded = percent_decode(rest);
  const auto prefix = decoded ? parse_cidr(*decoded) : std::nullopt;
  if (!prefix)
    return Outcome<IpPrefix>::failure("'" + std::string(rest.substr(0, 64)) +
                                      "' is not an IPv4 or IPv6 address or CIDR prefix (e.g. 192.0.2.7, "
                                      "2001:db8::1, 198.51.100.0/24)");
  IpPrefix p = *prefix;
  // Stored as prefixes, rows can only be found by their prefix.
  const int kept = p.v4 ? 24 : 56;
  if (keeping == IpKeeping::Prefix && p.length > kept) {
    p = *parse_cidr(p.text().substr(0, p.text().find('/')) + "/" + std::to_string(kept));
  }
  return Outcome<IpPrefix>::success(p);
}

Response answer(const Request& req, std::string_view path, ServerContext& ctx) {
  auto& reader = *ctx.telemetry;
  const auto query = target_query(req.target());
  const auto route = path.substr(kTelemetryPrefix.size());
  const bool read = req.method() == http::verb::get || req.method() == http::verb::head;
  auto filter = parse_telemetry_filter(query);
  if (!filter) return error_response(http::status::bad_request, filter.error(), req);

  if (route == "recent") {
    if (!read) return method_not_allowed("GET, HEAD", req);
    return page_response(req, reader, filter.value());
  }
  if (route.starts_with(kCustomerPrefix)) {
    const auto keeping = ctx.options.settings.telemetry_store_ip;
    auto customer = customer_of(route.substr(kCustomerPrefix.size()), keeping);
    if (!customer) return error_response(http::status::bad_request, customer.error(), req);
    if (req.method() == http::verb::delete_) {
      auto erased = reader.erase(customer.value());
      if (!erased) return database_error(req, erased.error());
      log_event(LogLevel::Info, "telemetry", "erased the data of " + customer.value().text() + " on request");
      return json_response(http::status::ok, {{"customer", customer.value().text()}, {"erased", erased.value()}}, req);
    }
    if (!read) return method_not_allowed("GET, HEAD, DELETE", req);
    filter.value().customer = customer.value();
    nlohmann::json note = nlohmann::json::object();
    if (keeping == IpKeeping::None)
      note["note"] = "telemetry_store_ip = none: this server keeps no addresses, so no row can match";
    else if (keeping == IpKeeping::Prefix)
      note["note"] = "telemetry_store_ip = prefix: rows are kept and found by /24 (IPv4) or /56 (IPv6)";
    return page_response(req, reader, filter.value(), note);
  }
  if (route == "stats") {
    if (!read) return method_not_allowed("GET, HEAD", req);
    StatsPeriod period = StatsPeriod::Day;
    if (const auto p = query_param(query, "period")) {
      if (*p == "week") period = StatsPeriod::Week;
      else if (*p == "month") period = StatsPeriod::Month;
      else if (*p != "day") return error_response(http::status::bad_request, "period: expected day, week or month", req);
    }
    auto stats = reader.stats(filter.value(), period);
    if (!stats) return database_error(req, stats.error());
    auto applied = to_json(filter.value());
    applied.erase("limit");
    applied["period"] = period == StatsPeriod::Day ? "day" : period == StatsPeriod::Week ? "week" : "month";
    return json_response(http::status::ok, {{"filters", applied}, {"periods", std::move(stats).value()}}, req);
  }
  if (route == "export.csv") {
    if (req.method() != http::verb::get) return method_not_allowed("GET", req);
    auto rows = reader.open_export(filter.value());
    if (!rows) return database_error(req, rows.error());
    http::response<ExportBody> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"bloatmeter-telemetry.csv\"");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body().rows = std::shared_ptr<TelemetryExport>(std::move(rows).value());
    res.body().header = telemetry_csv_header();
    res.chunked(true);
    return res;
  }
  if (route == "webhooks") {
    if (!read) return method_not_allowed("GET, HEAD", req);
    auto status = webhook_status(reader.db(), reader.server_id());
    if (!status) return database_error(req, status.error());
    auto body = std::move(status).value();
    body["configured"] = !ctx.options.settings.webhook_url.empty();
    return json_response(http::status::ok, body, req);
  }
  return error_response(http::status::not_found,
                        "no such telemetry endpoint (recent, customer/{ip}, stats, export.csv, webhooks)",
                        req);
}

}  // namespace

void telemetry_request(Request&& req, std::string_view path, ServerContext& ctx, const ClientInfo& client,
                       Reply reply) {
  if (!ctx.telemetry || !ctx.telemetry_auth)
    return reply(error_response(http::status::service_unavailable, "telemetry storage is off", req));
  net::post(ctx.telemetry_executor, [req = std::move(req), path = std::string(path), &ctx,
                                     limit_key = client.limit_key, reply = std::move(reply)] {
    if (auto refused = ctx.telemetry_auth->refusal(req, limit_key, std::chrono::steady_clock::now()))
      return reply(std::move(*refused));
    auto res = answer_or_500(req, "telemetry", [&] { return answer(req, path, ctx); });
    // Customers' data: no cache, shared or private, may keep a copy.
    std::visit([](auto& r) { r.set(http::field::cache_control, "no-store"); }, res);
    reply(std::move(res));
  });
}

}  // namespace bloatmeter::server
