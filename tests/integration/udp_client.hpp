#pragma once
// A test's end of the UDP probe lane: opening a session over HTTP at a given
// loopback address (IPv4 or IPv6), and a blocking UDP socket that sends
// requests and waits a bounded time for replies.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bloatmeter/native/udp_ancillary.hpp"
#include "bloatmeter/udp_probe_wire.hpp"

namespace bloatmeter::testing::udp_lane {

namespace net = boost::asio;
namespace http = boost::beast::http;
using udp = net::ip::udp;
using tcp = net::ip::tcp;
namespace uw = udp_probe_wire;

// A UDP port nobody uses at `address` right now (the responder's port is a
// setting, not picked by the kernel at bind).
inline std::uint16_t free_udp_port(const std::string& address) {
  net::io_context ioc;
  udp::socket s(ioc, udp::endpoint(net::ip::make_address(address), 0));
  return s.local_endpoint().port();
}

// One HTTP request to `address`:`port` (IPv4 or IPv6).
inline http::response<http::string_body> http_at(const std::string& address, std::uint16_t port, http::verb verb,
                                                 const std::string& target, const std::string& origin = "") {
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address(address), port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, address.find(':') == std::string::npos ? address : "[" + address + "]");
  if (!origin.empty()) req.set(http::field::origin, origin);
  req.prepare_payload();
  http::write(s, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return res;
}

// POST /api/udp-session at `address`:`port`; the status and the JSON body.
inline std::pair<http::status, nlohmann::json> open_session(const std::string& address, std::uint16_t port,
                                                            const std::string& query = "",
                                                            const std::string& origin = "") {
  const auto res = http_at(address, port, http::verb::post, "/api/udp-session" + query, origin);
  return {res.result(), nlohmann::json::parse(res.body(), nullptr, false)};
}

class UdpProbeSocket {
 public:
  // Sends from `local` (any free port) to the responder at `server`:`port`.
  UdpProbeSocket(const std::string& local, const std::string& server, std::uint16_t port)
      : socket_(ioc_, udp::endpoint(net::ip::make_address(local), 0)),
        server_(net::ip::make_address(server), port) {}

  // Marks what this socket sends (IP_TOS / IPV6_TCLASS).
  void set_tos(int tos) {
    const bool v6 = server_.address().is_v6();
    ::setsockopt(socket_.native_handle(), v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, &tos,
                 sizeof tos);
  }

  void send_bytes(const std::vector<std::uint8_t>& bytes) { socket_.send_to(net::buffer(bytes), server_); }

  // A request of `size` bytes (sizes outside the lane's are sent as they are,
  // with whatever header fits).
  void send(const uw::Token& token, std::uint32_t seq, std::size_t size, std::uint16_t reply_bytes = 0,
            std::optional<std::uint8_t> reply_tos = std::nullopt) {
    std::vector<std::uint8_t> bytes(std::clamp(size, uw::kMinDatagramBytes, uw::kMaxDatagramBytes));
    uw::encode_request({seq, token, 1000u + seq, reply_bytes, reply_tos}, bytes);
    bytes.resize(size);
    send_bytes(bytes);
  }

  // The next datagram within `wait`, or nothing.
  std::optional<std::vector<std::uint8_t>> receive(std::chrono::milliseconds wait = std::chrono::milliseconds(1000)) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return std::nullopt;
    std::vector<std::uint8_t> bytes(4096);
    udp::endpoint from;
    bytes.resize(socket_.receive_from(net::buffer(bytes), from));
    return bytes;
  }

  // The next datagram within `wait` and the TOS byte it arrived with (the
  // kernel's IP_RECVTOS / IPV6_RECVTCLASS), or nothing.
  struct Marked {
    std::vector<std::uint8_t> bytes;
    std::optional<std::uint8_t> tos;
  };
  std::optional<Marked> receive_marked(std::chrono::milliseconds wait = std::chrono::milliseconds(1000)) {
    if (!ancillary_on_) ancillary_on_ = native::enable_ancillary(socket_.native_handle(), server_.address().is_v6());
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return std::nullopt;
    Marked out;
    out.bytes.resize(4096);
    native::AncillaryBuffer control;
    iovec data{out.bytes.data(), out.bytes.size()};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes.data();
    message.msg_controllen = control.bytes.size();
    const auto n = ::recvmsg(socket_.native_handle(), &message, 0);
    if (n < 0) return std::nullopt;
    out.bytes.resize(static_cast<std::size_t>(n));
    out.tos = native::read_ancillary(message).tos;
    return out;
  }

 private:
  bool ancillary_on_ = false;
  net::io_context ioc_;
  udp::socket socket_;
  udp::endpoint server_;
};

inline uw::Token token_of(const nlohmann::json& grant) {
  return *uw::token_from_text(grant.at("token").get<std::string>());
}

}  // namespace bloatmeter::testing::udp_lane
