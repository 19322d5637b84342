#include "rrul_routes.hpp"

#include "responses.hpp"
#include "udp_responder.hpp"
#include "udp_routes.hpp"

namespace bloatmeter::server {

void open_rrul(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply) {
  const auto& settings = ctx.options.settings;
  const auto seconds = seconds_or_refuse(req, ctx, reply);
  if (!seconds) return;
  std::string why;
  auto lease = ctx.limits.start_test(client.limit_key, why);
  if (!lease) return reply(test_refused_response(why, req));
  auto grant = ctx.rrul.open(std::move(*lease), std::chrono::seconds(*seconds), settings.rrul_max_tests);
  if (!grant) {
    log_event(LogLevel::Warning, "limits", "refused an RRUL test for " + client.ip + ": " + grant.error());
    return reply(busy_response(http::status::service_unavailable, grant.error(), kBusyRetrySeconds, req));
  }
  reply(json_response(http::status::ok,
                      {{"id", grant.value().id},
                       {"deadline_ms", grant.value().lifetime.count()},
                       {"udp_port", ctx.udp ? ctx.udp->port() : 0},
                       {"reply_tos", true},
                       {"cpu", true}},
                      req));
}

void rrul_request(Request&& req, std::string_view id, ServerContext& ctx, Reply reply) {
  const std::string key(id);
  if (req.method() == http::verb::delete_) {
    if (!ctx.rrul.close(key)) return reply(error_response(http::status::not_found, "no such RRUL test", req));
    return reply(json_response(http::status::ok, {{"closed", true}}, req));
  }
  if (req.method() != http::verb::get) return reply(method_not_allowed("GET, DELETE", req));
  const auto status = ctx.rrul.status(key);
  if (!status) return reply(error_response(http::status::not_found, "no such RRUL test (ended, or past its deadline)", req));
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& f : status->flows)
    flows.push_back({{"flow", f.flow}, {"dscp_set", f.dscp_set ? nlohmann::json(*f.dscp_set) : nlohmann::json(nullptr)}});
  nlohmann::json cpu = nullptr;
  if (status->cpu) cpu = {{"process", status->cpu->process}, {"machine", status->cpu->machine}};
  reply(json_response(http::status::ok, {{"cpu", cpu}, {"flows", flows}, {"left_ms", status->left.count()}}, req));
}

}  // namespace bloatmeter::server
