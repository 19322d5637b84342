#include "udp_routes.hpp"

#include <charconv>

#include "client_address.hpp"
#include "client_limits.hpp"
#include "udp_responder.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {
std::optional<int> seconds_or_refuse(const Request& req, const ServerContext& ctx, const Reply& reply) {
  const int most = ctx.options.settings.max_test_seconds;
  const auto text = query_param(target_query(req.target()), "seconds");
  if (!text) return most;
  int n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size() || n < 1 || n > most) {
    reply(error_response(http::status::bad_request, "seconds: expected an integer from 1 to " + std::to_string(most), req));
    return std::nullopt;
  }
  return n;
}

void open_udp_session(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply) {
  if (!ctx.udp)
    return reply(error_response(http::status::not_found, "this server has no UDP lane (udp_port is 0)", req));
  const auto& settings = ctx.options.settings;
  const auto seconds = seconds_or_refuse(req, ctx, reply);
  if (!seconds) return;
  // The token answers only the address its datagrams will come from: the
  // client's, behind a trusted reverse proxy the one it forwarded for.
  const auto ip = client_address(client.ip, req[http::field::forwarded], req["X-Forwarded-For"],
                                 settings.trusted_proxies);
  beast::error_code ec;
  const auto address = net::ip::make_address(ip, ec);
  if (ec) return reply(error_response(http::status::bad_request, "cannot tell your address", req));
  // A flow of an RRUL test counts against that test (its 6 flows per
  // family), not against the address's own sessions, which a test just
  // ended may still hold until their deadline.
  std::string key = limit_key(address);
  if (const auto rrul = query_param(target_query(req.target()), "rrul")) {
    if (!ctx.rrul.live(std::string(*rrul)))
      return reply(error_response(http::status::bad_request, "no such RRUL test (ended, or past its deadline)", req));
    key = "rrul:" + std::string(*rrul) + (address.is_v4() ? ":ipv4" : ":ipv6");
  }
  ctx.udp->open_session(
      address, std::move(key), std::chrono::seconds(*seconds),
      [req = std::move(req), reply = std::move(reply), ip](Outcome<UdpGrant> grant) {
        if (!grant) {
          log_event(LogLevel::Warning, "limits", "refused a UDP session for " + ip + ": " + grant.error());
          return reply(busy_response(http::status::service_unavailable, "the UDP lane is busy: " + grant.error(),
                                     kBusyRetrySeconds, req));
        }
        const auto& g = grant.value();
        reply(json_response(http::status::ok,
                            {{"token", udp_probe_wire::token_text(g.token)},
                             {"port", g.port},
                             {"deadline_ms", g.lifetime.count()},
                             {"max_rate_pps", g.rate_pps},
                             {"burst", g.burst},
                             {"min_datagram_bytes", udp_probe_wire::kMinDatagramBytes},
                             {"max_datagram_bytes", udp_probe_wire::kMaxDatagramBytes}},
                            req));
      });
}

}  // namespace bloatmeter::server
