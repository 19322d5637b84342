#include "udp_lane.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>

#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "bloatmeter/native/socket_marking.hpp"
#include "bloatmeter/native/udp_ancillary.hpp"
#include "bloatmeter/version.hpp"
#include "http_exchange.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace uw = udp_probe_wire;
using udp = asio::ip::udp;

namespace {

UdpSessionAsk not_granted(UdpSeriesStatus status, std::string reason) {
  UdpSessionAsk ask;
  ask.status = status;
  ask.reason = std::move(reason);
  return ask;
}

}  // namespace

UdpSessionAsk ask_udp_session(asio::io_context& io, StopSignals& stops, const ServerUrl& url, asio::ssl::context* tls,
                              bool verify, std::optional<int> seconds, std::optional<IpFamily> family,
                              const std::string& rrul_id) {
  std::string target = "/api/udp-session";
  if (seconds) target += "?seconds=" + std::to_string(*seconds);
  if (!rrul_id.empty()) target += (seconds ? "&rrul=" : "?rrul=") + rrul_id;
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, url.host_header());
  request.set(http::field::user_agent, std::string(kToolName) + "/" + kVersion + " (native)");
  request.keep_alive(false);
  request.prepare_payload();
  const auto exchanged =
      exchange_http(io, stops, url, tls, verify, request, std::chrono::seconds(10), 64 * 1024, family);
  if (exchanged.stopped) {
    UdpSessionAsk ask;
    ask.stopped = true;
    return ask;
  }
  if (!exchanged.answer)
    return not_granted(UdpSeriesStatus::Unavailable, "no UDP session: cannot reach " + url.origin() + ": " +
                                                         exchanged.failure);
  const auto& answer = *exchanged.answer;
  // 404: the server has no lane (its words name udp_port); 503: it has
  // one and will not open another session now.
  if (answer.result() != http::status::ok)
    return not_granted(answer.result() == http::status::service_unavailable ? UdpSeriesStatus::Refused
                                                                            : UdpSeriesStatus::Unavailable,
                       "no UDP session: " + refusal_text(answer));
  const auto doc = nlohmann::json::parse(answer.body(), nullptr, false);
  const auto token = doc.is_object() && doc.contains("token") && doc["token"].is_string()
                         ? uw::token_from_text(doc["token"].get<std::string>())
                         : std::nullopt;
  const bool has_port = doc.is_object() && doc.contains("port") && doc["port"].is_number_unsigned() &&
                        doc["port"].get<unsigned>() > 0 && doc["port"].get<unsigned>() <= 65535;
  if (!token || !has_port)
    return not_granted(UdpSeriesStatus::Unavailable, "the server's UDP session answer has no token or port");
  UdpSessionAsk ask;
  ask.status = UdpSeriesStatus::Measured;
  UdpSessionGrant& g = ask.grant.emplace();
  g.token = *token;
  g.port = static_cast<std::uint16_t>(doc["port"].get<unsigned>());
  if (doc.contains("max_rate_pps") && doc["max_rate_pps"].is_number()) g.max_rate_pps = doc["max_rate_pps"].get<double>();
  g.server = exchanged.peer;
  return ask;
}

boost::system::error_code connect_udp(asio::io_context& io, udp::socket& socket, const UdpSessionGrant& grant,
                                      const ServerUrl& url) {
  boost::system::error_code ec;
  udp::endpoint server;
  if (grant.server) {
    server = udp::endpoint(*grant.server, grant.port);
  } else {
    udp::resolver resolver(io);
    const auto found = resolver.resolve(url.host, std::to_string(grant.port), ec);
    if (ec) return ec;
    if (found.empty()) return asio::error::host_not_found;
    server = found.begin()->endpoint();
  }
  // Connected: only the server's replies are read, and an ICMP refusal
  // comes back as an error.
  socket.connect(server, ec);
  return ec;
}

NativeUdpLane::NativeUdpLane(asio::io_context& io, UdpLaneStart start) : start_(std::move(start)), socket_(io) {}

std::unique_ptr<NativeUdpLane> NativeUdpLane::open(asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                                   asio::ssl::context* tls, bool verify, const PhasePlan& plan) {
  const auto test_seconds = static_cast<int>(std::ceil(
      static_cast<double>(plan.total_duration_us() + plan.late_after_us) / 1e6)) + kUdpSessionMarginSeconds;
  return open(io, stops, url, tls, verify, test_seconds, plan.udp_interval_us,
              static_cast<std::uint32_t>(plan.udp_datagram_bytes), std::nullopt);
}

std::unique_ptr<NativeUdpLane> NativeUdpLane::open(asio::io_context& io, StopSignals& stops, const ServerUrl& url,
                                                   asio::ssl::context* tls, bool verify, int seconds,
                                                   Micros interval_us, std::uint32_t datagram_bytes,
                                                   std::optional<IpFamily> family, const std::string& rrul_id) {
  auto ask = ask_udp_session(io, stops, url, tls, verify, seconds, family, rrul_id);
  // A server whose tests are shorter than this plan: its longest session.
  if (!ask.stopped && !ask.grant && ask.reason.find("seconds: expected") != std::string::npos)
    ask = ask_udp_session(io, stops, url, tls, verify, std::nullopt, family, rrul_id);
  if (ask.stopped) return nullptr;
  UdpLaneStart start;
  start.status = ask.status;
  start.reason = ask.reason;
  start.datagram_bytes = datagram_bytes;
  start.interval_us = interval_us;
  if (!ask.grant) return std::make_unique<NativeUdpLane>(io, std::move(start));
  const auto& grant = *ask.grant;
  start.port = grant.port;
  // Under the server's rate with room for a late tick: a lane over it
  // would see its own requests dropped as loss.
  if (grant.max_rate_pps > 0)
    start.interval_us = std::max(start.interval_us, static_cast<Micros>(std::ceil(1.25e6 / grant.max_rate_pps)));
  auto lane = std::make_unique<NativeUdpLane>(io, std::move(start));
  lane->token_ = grant.token;
  lane->request_.assign(lane->start_.datagram_bytes, 0);
  boost::system::error_code ec = connect_udp(io, lane->socket_, grant, url);
  if (!ec) lane->socket_.non_blocking(true, ec);
  if (!ec) {
    const bool v6 = lane->socket_.remote_endpoint(ec).address().is_v6();
    if (!ec) native::enable_ancillary(lane->socket_.native_handle(), v6);  // the TOS each reply arrived with
  }
  if (ec) {
    lane->start_.status = UdpSeriesStatus::Unavailable;
    lane->start_.reason = "cannot send UDP to " + url.host + " port " + std::to_string(grant.port) + ": " + ec.message();
  }
  return lane;
}

bool NativeUdpLane::send(std::uint32_t seq, Micros sent_us, std::optional<std::uint8_t> tos) {
  if (!socket_.is_open() ||
      !uw::encode_request({seq, token_, static_cast<std::uint64_t>(sent_us), 0, tos}, request_))
    return false;
  boost::system::error_code ec;
  if (tos && tos != tos_set_) {
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec && native::set_socket_tos(socket_.native_handle(), peer.address().is_v6(), peer.address().is_v4(), *tos))
      tos_set_ = tos;
  }
  socket_.send(asio::buffer(request_), 0, ec);
  if (ec == asio::error::connection_refused && on_refused_) on_refused_(std::chrono::steady_clock::now());
  return !ec;
}

void NativeUdpLane::listen(OnReply on_reply, OnRefused on_refused) {
  on_reply_ = std::move(on_reply);
  on_refused_ = std::move(on_refused);
  if (socket_.is_open()) receive();
}

void NativeUdpLane::receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
    read_ready();
    receive();  // one refused datagram ends nothing
  });
}

void NativeUdpLane::read_ready() {
  // Every datagram waiting, each with the TOS byte it arrived with.
  for (;;) {
    native::AncillaryBuffer control;
    iovec data{reply_.data(), reply_.size()};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes.data();
    message.msg_controllen = control.bytes.size();
    const auto bytes = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
    const auto at = std::chrono::steady_clock::now();
    if (bytes < 0) {
      if (errno == ECONNREFUSED) {
        if (on_refused_) on_refused_(at);
        continue;
      }
      return;  // EAGAIN: all read; anything else: the next wait says
    }
    const auto tos = native::read_ancillary(message).tos;
    if (const auto reply = uw::decode_reply(std::span<const std::uint8_t>(reply_.data(), static_cast<std::size_t>(bytes))))
      if (on_reply_) on_reply_(*reply, at, tos);
  }
}

void NativeUdpLane::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace bloatmeter::cli
