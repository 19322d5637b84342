#include "result_routes.hpp"

#include <ctime>
#include <exception>

#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "responses.hpp"
#include "result_id.hpp"
#include "result_store.hpp"
#include "server_log.hpp"
#include "client_address.hpp"
#include "telemetry_row.hpp"
#include "webhook_event.hpp"
#include "webhook_sender.hpp"

namespace bloatmeter::server {
namespace {

std::string iso8601(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Runs on the results thread.
// Text that is not JSON is a bad request (400); JSON that is not a result
// this server can take (a field missing, of the wrong type or outside what
// a real plan produces: result_limits.hpp) is unprocessable (422), and the
// error names the field.
http::response<http::string_body> store_submission(const Request& req, ServerContext& ctx,
                                                   const std::string& client_ip) {
  const std::time_t now = std::time(nullptr);
  if (req.body().size() > kMaxResultBytes)
    return error_response(http::status::payload_too_large, "result too large", req);
  const auto doc = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return error_response(http::status::bad_request, "not valid JSON", req);
  auto parsed = result_from_json(doc);
  if (!parsed) return error_response(http::status::unprocessable_entity, parsed.error(), req);
  Result result = std::move(parsed).value();
  // The server keeps the summary it computes, never the one a client claims.
  try {
    result.summary = recompute(result);
  } catch (const std::exception& e) {
    return error_response(http::status::unprocessable_entity, std::string("cannot summarize this result: ") + e.what(), req);
  }
  const auto summary = to_json(result.summary);
  const std::string overall = result.summary.overall ? std::string(to_string(*result.summary.overall)) : "";

  NewResult row;
  row.id = new_result_id();
  if (row.id.empty()) {
    log_event(LogLevel::Error, "results", "no random id available");
    return error_response(http::status::internal_server_error, "no random id available", req);
  }
  row.created_at = iso8601(now);
  row.client_ip = client_ip;
  row.user_agent = std::string(req[http::field::user_agent]);
  row.overall = overall;
  row.summary_json = summary.dump();
  row.document_json = serialize_result(result);
  auto telemetry = telemetry_row(result, row.id, row.created_at, static_cast<std::int64_t>(now),
                                 kept_address(client_ip, ctx.options.settings.telemetry_store_ip));
  telemetry.server_id = ctx.options.settings.server_id;  // the event names the server too
  const std::string event = ctx.options.settings.webhook_url.empty() ? std::string() : webhook_event_body(telemetry);
  if (auto err = ctx.results->insert(row, telemetry, event); !err.empty()) {
    log_event(LogLevel::Error, "results", "could not store a result: " + err);
    return error_response(http::status::internal_server_error, "could not store the result", req);
  }
  ctx.metrics.count_result(telemetry.mode, telemetry.grade, telemetry.aborted,
                           {telemetry.increase_ms, telemetry.download_mbps, telemetry.upload_mbps});
  if (!event.empty() && ctx.webhook_sender) ctx.webhook_sender->nudge();  // deliver now, not at the next poll

  nlohmann::json body{{"id", row.id}, {"summary", summary}, {"overall", nullptr}};
  if (!overall.empty()) body["overall"] = overall;
  return json_response(http::status::created, body, req);
}

// Runs on the results thread.
http::response<http::string_body> load_result(const Request& req, const std::string& id, ServerContext& ctx) {
  auto found = ctx.results->find(id);
  if (!found) {
    log_event(LogLevel::Error, "results", "could not read a result: " + found.error());
    return error_response(http::status::internal_server_error, "could not read results", req);
  }
  if (!found.value()) return error_response(http::status::not_found, "no such result", req);
  const auto& stored = *found.value();
  auto document = nlohmann::json::parse(stored.document_json, nullptr, false);
  if (document.is_discarded()) {
    log_event(LogLevel::Error, "results", "stored result " + id + " is not JSON");
    return error_response(http::status::internal_server_error, "stored result unreadable", req);
  }
  return json_response(http::status::ok,
                       {{"id", stored.id}, {"created_at", stored.created_at}, {"result", std::move(document)}}, req);
}

}  // namespace

void submit_result(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply) {
  if (!ctx.results) return reply(error_response(http::status::service_unavailable, "result storage is off", req));
  // Behind a trusted reverse proxy, the address it forwarded for.
  auto ip = client_address(client.ip, req[http::field::forwarded], req["X-Forwarded-For"],
                           ctx.options.settings.trusted_proxies);
  net::post(ctx.results_executor, [req = std::move(req), &ctx, ip = std::move(ip), reply = std::move(reply)] {
    reply(answer_or_500(req, "results", [&] { return store_submission(req, ctx, ip); }));
  });
}

void fetch_result(Request&& req, std::string_view id, ServerContext& ctx, Reply reply) {
  // Malformed ids never reach the database.
  if (!is_result_id(id)) return reply(error_response(http::status::not_found, "no such result", req));
  if (!ctx.results) return reply(error_response(http::status::service_unavailable, "result storage is off", req));
  net::post(ctx.results_executor, [req = std::move(req), id = std::string(id), &ctx, reply = std::move(reply)] {
    reply(answer_or_500(req, "results", [&] { return load_result(req, id, ctx); }));
  });
}

}  // namespace bloatmeter::server
