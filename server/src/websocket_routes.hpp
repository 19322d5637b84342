#pragma once
// Hands an upgraded connection to the session type for its path. Each
// protocol has its own session type; this is the only place that knows them.
#include <charconv>
#include <memory>
#include <optional>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/native/socket_marking.hpp"
#include "household_routes.hpp"
#include "http_types.hpp"
#include "responses.hpp"
#include "server_context.hpp"
#include "url_path.hpp"
#include "websocket_start.hpp"

namespace bloatmeter::server {

// Answers one HTTP response on a connection it owns, then closes it.
template <class Stream>
class OneResponse : public std::enable_shared_from_this<OneResponse<Stream>> {
 public:
  OneResponse(Stream&& stream, http::response<http::string_body> res)
      : stream_(std::move(stream)), res_(std::move(res)) {}
  void run() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    });
  }

 private:
  Stream stream_;
  http::response<http::string_body> res_;
};

template <class Stream>
void reject_upgrade(Stream&& stream, http::response<http::string_body> res, const ServerContext& ctx) {
  res.keep_alive(false);
  stamp_headers(res.base(), std::is_same_v<std::decay_t<Stream>, beast::tcp_stream> ? ctx.plain_headers : ctx.tls_headers);
  std::make_shared<OneResponse<std::decay_t<Stream>>>(std::forward<Stream>(stream), std::move(res))->run();
}

template <class Stream>
void reject_upgrade(Stream&& stream, http::status status, std::string_view message, const Request& req,
                    const ServerContext& ctx) {
  reject_upgrade(std::forward<Stream>(stream), error_response(status, message, req), ctx);
}

// A lane over a limit: logged, and 503 + Retry-After saying which limit.
template <class Stream>
void reject_busy(Stream&& stream, std::string_view what, const std::string& why, const Request& req,
                 const ServerContext& ctx) {
  log_event(LogLevel::Warning, "limits", "refused " + std::string(what) + ": " + why);
  reject_upgrade(std::forward<Stream>(stream), test_refused_response(why, req), ctx);
}

// ?chunk=N for /ws/bulk-download; nothing when present but out of range.
inline std::optional<std::size_t> download_chunk_size(const Request& req) {
  const auto text = query_param(target_query(req.target()), "chunk");
  if (!text) return kDefaultDownloadChunk;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  if (n < kMinDownloadChunk || n > kMaxDownloadChunk) return std::nullopt;
  return n;
}

// ?pace_mbps=N: the lane sends no faster than N Mbit/s (a test capped
// below what the machines can drive, as RRUL on loopback is).
// ?dscp=N (0 to 63): the lane's packets carry that DSCP; with
// ?rrul=ID&flow=N it is a flow of a live RRUL test (rrul_registry.hpp),
// whose marking the test reports. An unknown or ended test is refused.
struct LaneMarking {
  std::optional<int> dscp;
  std::optional<int> pace_mbps;  // ?pace_mbps=N: the lane sends no faster (SO_MAX_PACING_RATE)
  std::string rrul_id;
  std::optional<int> flow;
  std::string error;
};

inline std::optional<int> small_int_param(std::string_view query, std::string_view name, int most, bool& bad) {
  const auto text = query_param(query, name);
  if (!text) return std::nullopt;
  int n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size() || n < 0 || n > most) {
    bad = true;
    return std::nullopt;
  }
  return n;
}

inline LaneMarking lane_marking(const Request& req, ServerContext& ctx) {
  LaneMarking m;
  const auto query = target_query(req.target());
  bool bad = false;
  m.dscp = small_int_param(query, "dscp", 63, bad);
  if (bad) m.error = "dscp must be an integer from 0 to 63";
  m.flow = small_int_param(query, "flow", 1'000'000, bad);
  if (bad && m.error.empty()) m.error = "flow must be an integer from 0 to 1000000";
  m.pace_mbps = small_int_param(query, "pace_mbps", 100'000, bad);
  if (bad && m.error.empty()) m.error = "pace_mbps must be an integer from 1 to 100000";
  if (m.pace_mbps && *m.pace_mbps == 0 && m.error.empty()) m.error = "pace_mbps must be an integer from 1 to 100000";
  if (const auto id = query_param(query, "rrul")) {
    m.rrul_id = std::string(*id);
    if (!ctx.rrul.live(m.rrul_id)) m.error = "no such RRUL test (ended, or past its deadline)";
  }
  return m;
}

// /ws/virtual-household/{user_id}?plan=quick|standard&greedy=1: the user
// and plan it asks for, or the HTTP answer refusing it.
struct HouseholdUpgrade {
  std::optional<HouseholdRequest> request;
  http::status status = http::status::ok;
  std::string error;
};

inline HouseholdUpgrade household_upgrade(const Request& req, const ServerContext& ctx) {
  HouseholdUpgrade out;
  const auto id = target_path(req.target()).substr(kHouseholdWsPrefix.size());
  const auto index = ctx.household.user_index(id);
  if (index < 0) {
    out.status = http::status::not_found;
    out.error = "no such household user";
    return out;
  }
  const auto query = target_query(req.target());
  const auto greedy = greedy_param(query);
  if (!greedy) {
    out.status = http::status::bad_request;
    out.error = "greedy must be 0, 1, false or true";
    return out;
  }
  const auto plan_name = query_param(query, "plan").value_or("standard");
  HouseholdPlan plan;
  if (!household_plan_by_name(plan_name, *greedy, plan)) {
    out.status = http::status::bad_request;
    out.error = "plan must be quick or standard";
    return out;
  }
  HouseholdRequest r;
  r.user_index = index;
  r.profile = ctx.household.profiles(*greedy).users[static_cast<std::size_t>(index)];
  r.plan = plan.name;
  r.greedy = *greedy;
  r.duration_us = plan.users_us();
  out.request = std::move(r);
  return out;
}

template <class Stream>
void route_websocket(Stream&& stream, Request&& req, beast::flat_buffer&& buffer, ServerContext& ctx) {
  // A client must wait for the handshake's answer before sending frames
  // (RFC 6455 §4.1), so bytes already buffered after the upgrade request
  // are a protocol error: refuse the upgrade rather than lose them.
  if (buffer.size() != 0)
    return reject_upgrade(std::forward<Stream>(stream), http::status::bad_request,
                          "data sent before the WebSocket handshake completed", req, ctx);
  const auto path = target_path(req.target());
  const auto marking = lane_marking(req, ctx);
  if (!marking.error.empty())
    return reject_upgrade(std::forward<Stream>(stream), http::status::bad_request, marking.error, req, ctx);
  if (marking.dscp) {
    // Before the upgrade's answer: every packet of the lane carries it.
    auto& socket = beast::get_lowest_layer(stream).socket();
    beast::error_code ec;
    const auto local = socket.local_endpoint(ec);
    const auto peer = socket.remote_endpoint(ec);
    const bool v4_peer = peer.address().is_v4() || (peer.address().is_v6() && peer.address().to_v6().is_v4_mapped());
    const auto set = native::set_socket_dscp(socket.native_handle(), local.address().is_v6(), v4_peer, *marking.dscp);
    if (!marking.rrul_id.empty() && marking.flow) ctx.rrul.note_flow(marking.rrul_id, *marking.flow, set);
  }
  if (marking.pace_mbps)
    native::set_pacing_rate(beast::get_lowest_layer(stream).socket().native_handle(),
                            static_cast<std::uint64_t>(*marking.pace_mbps) * 125'000);
  if (path == "/ws/probe") {
    const auto key = limit_key_of(beast::get_lowest_layer(stream).socket());
    std::string why;
    if (!marking.rrul_id.empty()) {
      // A request/response flow of an RRUL test, which holds the test's
      // place: the lane takes a stream's.
      auto lease = ctx.limits.start_stream(key, why);
      if (!lease) return reject_busy(std::forward<Stream>(stream), "an RRUL lane", why, req, ctx);
      return start_probe_lane(std::forward<Stream>(stream), std::move(req), ClientLimits::ProbePlace(std::move(*lease)),
                              ctx);
    }
    // A test starts with its probe lane: refused here when the server (or
    // this address) runs all the tests it may, before anything is measured.
    auto lease = ctx.limits.start_test(key, why);
    if (!lease) return reject_busy(std::forward<Stream>(stream), "a test", why, req, ctx);
    return start_probe_lane(std::forward<Stream>(stream), std::move(req), ClientLimits::ProbePlace(std::move(*lease)),
                            ctx);
  }
  if (path == "/ws/bulk-download" || path == "/ws/bulk-upload") {
    const auto chunk = download_chunk_size(req);
    if (path == "/ws/bulk-download" && !chunk)
      return reject_upgrade(std::forward<Stream>(stream), http::status::bad_request,
                            "chunk must be an integer from 4096 to 1048576", req, ctx);
    // A load stream beyond what this address's tests may hold is refused
    // before it moves a byte: one client cannot take the server's capacity
    // by opening streams without end.
    std::string why;
    auto lease = ctx.limits.start_stream(limit_key_of(beast::get_lowest_layer(stream).socket()), why);
    if (!lease) return reject_busy(std::forward<Stream>(stream), "a load stream", why, req, ctx);
    if (path == "/ws/bulk-download")
      return start_bulk_download(std::forward<Stream>(stream), std::move(req), std::move(*lease), ctx, *chunk);
    return start_bulk_upload(std::forward<Stream>(stream), std::move(req), std::move(*lease), ctx);
  }
  if (path.starts_with(kHouseholdWsPrefix)) {
    auto upgrade = household_upgrade(req, ctx);
    if (!upgrade.request) return reject_upgrade(std::forward<Stream>(stream), upgrade.status, upgrade.error, req, ctx);
    return start_household(std::forward<Stream>(stream), std::move(req), ctx, std::move(*upgrade.request));
  }
  reject_upgrade(std::forward<Stream>(stream), http::status::not_found, "no such WebSocket endpoint", req, ctx);
}

}  // namespace bloatmeter::server
