#include "udp_responder.hpp"

#include <sys/socket.h>

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>

#include "run_guarded.hpp"
#include "server_context.hpp"
#include "server_log.hpp"
#include "bloatmeter/native/udp_ancillary.hpp"

namespace bloatmeter::server {

using native::AncillaryBuffer;
using native::enable_ancillary;
using native::read_ancillary;
using native::write_reply_control;

namespace uw = udp_probe_wire;
using udp = net::ip::udp;

namespace {

// Room for any datagram: one longer than a request may be is seen whole
// and refused as malformed, not cut to a valid size.
constexpr std::size_t kReceiveBytes = 2048;
// Datagrams read in one go before the others (the other socket, opening
// sessions, the sweep) get a turn.
constexpr int kReceiveBatch = 64;
// Room in the kernel for a burst while the thread is busy elsewhere.
constexpr int kReceiveBufferBytes = 1 << 20;

}  // namespace

struct UdpResponder::BoundSocket {
  explicit BoundSocket(net::io_context& ioc) : socket(ioc) {}
  udp::socket socket;
  std::array<std::uint8_t, kReceiveBytes> in{};
  std::array<std::uint8_t, uw::kMaxDatagramBytes> out{};
  AncillaryBuffer received_control;
  AncillaryBuffer reply_control;
};

UdpResponder::UdpResponder(std::uint16_t port, UdpSessionLimits limits, UdpCounters& counters)
    : port_(port), counters_(counters), table_(limits) {}

UdpResponder::~UdpResponder() { stop(); }

Outcome<std::unique_ptr<UdpResponder>> UdpResponder::start(const std::vector<net::ip::address>& addresses,
                                                           std::uint16_t port, UdpSessionLimits limits,
                                                           UdpCounters& counters) {
  using R = Outcome<std::unique_ptr<UdpResponder>>;
  std::unique_ptr<UdpResponder> responder(new UdpResponder(port, limits, counters));
  for (const auto& address : addresses)
    if (auto err = responder->bind(address); !err.empty()) return R::failure(err);
  if (responder->sockets_.empty()) return R::failure("the UDP responder has no address to listen on");
  auto* self = responder.get();
  for (auto& s : self->sockets_) self->wait_readable(*s);
  self->sweep_every_second();
  counters.enabled = true;
  self->thread_ = std::thread([self] { run_guarded(self->ioc_, "udp"); });
  return R::success(std::move(responder));
}

std::string UdpResponder::bind(const net::ip::address& address) {
  auto s = std::make_unique<BoundSocket>(ioc_);
  const udp::endpoint endpoint(address, port_);
  beast::error_code ec;
  s->socket.open(endpoint.protocol(), ec);
  // "::" takes IPv4 clients too, as the TCP listeners' "::" does.
  if (!ec && address.is_v6() && address.is_unspecified()) s->socket.set_option(net::ip::v6_only(false), ec);
  if (!ec) s->socket.bind(endpoint, ec);
  if (!ec) s->socket.non_blocking(true, ec);
  if (ec)
    return "cannot listen on UDP " + address.to_string() + " port " + std::to_string(port_) + ": " + ec.message() +
           " (udp_port)";
  beast::error_code ignored;  // a smaller buffer only drops sooner in a burst
  s->socket.set_option(net::socket_base::receive_buffer_size(kReceiveBufferBytes), ignored);
  if (!enable_ancillary(s->socket.native_handle(), address.is_v6()))
    log_event(LogLevel::Warning, "udp", "the system gives no TOS byte or destination of UDP datagrams");
  sockets_.push_back(std::move(s));
  return {};
}

void UdpResponder::stop() {
  std::call_once(stopped_, [this] {
    // Sockets, timer and sessions go with the context; a session being
    // opened is abandoned (its HTTP request gets no answer and closes).
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
    counters_.enabled = false;
  });
}

void UdpResponder::open_session(net::ip::address client, std::string limit_key, std::chrono::milliseconds lifetime,
                                Granted done) {
  net::post(ioc_, [this, client, limit_key = std::move(limit_key), lifetime, done = std::move(done)]() mutable {
    using R = Outcome<UdpGrant>;
    UdpGrant grant;
    if (RAND_bytes(grant.token.data(), static_cast<int>(grant.token.size())) != 1) {
      counters_.sessions_refused.fetch_add(1, std::memory_order_relaxed);
      return done(R::failure("the server could not make a token (its random generator failed)"));
    }
    const auto now = steady_now_us();
    const auto deadline = now + std::chrono::duration_cast<std::chrono::microseconds>(lifetime).count();
    if (auto why = table_.add(grant.token, client, std::move(limit_key), now, deadline); !why.empty()) {
      counters_.sessions_refused.fetch_add(1, std::memory_order_relaxed);
      return done(R::failure(why));
    }
    counters_.sessions_opened.fetch_add(1, std::memory_order_relaxed);
    counters_.sessions_live.store(static_cast<std::int64_t>(table_.live()), std::memory_order_relaxed);
    grant.port = port_;
    grant.lifetime = lifetime;
    grant.rate_pps = table_.limits().rate_pps;
    grant.burst = table_.limits().burst;
    done(R::success(grant));
  });
}

void UdpResponder::wait_readable(BoundSocket& s) {
  s.socket.async_wait(udp::socket::wait_read, [this, &s](beast::error_code ec) {
    if (!ec) drain(s);
  });
}

void UdpResponder::drain(BoundSocket& s) {
  for (int i = 0; i < kReceiveBatch; ++i)
    if (!receive_one(s)) return wait_readable(s);
  // More may be waiting: read on after whatever else is due.
  net::post(ioc_, [this, &s] { drain(s); });
}

bool UdpResponder::receive_one(BoundSocket& s) {
  udp::endpoint from;
  iovec data{s.in.data(), s.in.size()};
  msghdr message{};
  message.msg_name = from.data();
  message.msg_namelen = static_cast<socklen_t>(from.capacity());
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = s.received_control.bytes.data();
  message.msg_controllen = s.received_control.bytes.size();
  const auto bytes = ::recvmsg(s.socket.native_handle(), &message, MSG_DONTWAIT);
  // The receive time first, before anything else can delay it.
  const auto received_us = steady_now_us();
  if (bytes < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    if (errno == EINTR) return true;
    log_event(LogLevel::Error, "udp", std::string("reading a datagram failed: ") + std::strerror(errno));
    return false;
  }
  from.resize(message.msg_namelen);
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  counters_.received_bytes.fetch_add(static_cast<std::uint64_t>(bytes), std::memory_order_relaxed);
  if (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    drop(UdpDrop::Malformed, from);
    return true;
  }
  answer(s, static_cast<std::size_t>(bytes), from, message, received_us);
  return true;
}

void UdpResponder::answer(BoundSocket& s, std::size_t bytes, const udp::endpoint& from, const msghdr& received,
                          std::int64_t received_us) {
  const auto request = uw::decode_request(std::span<const std::uint8_t>(s.in.data(), bytes));
  if (!request) return drop(UdpDrop::Malformed, from);
  UdpSession* session = nullptr;
  switch (table_.admit(request->token, from.address(), received_us, session)) {
    case UdpSessionTable::Verdict::Answer: break;
    case UdpSessionTable::Verdict::UnknownToken: return drop(UdpDrop::UnknownToken, from);
    case UdpSessionTable::Verdict::WrongAddress: return drop(UdpDrop::WrongAddress, from);
    case UdpSessionTable::Verdict::Expired: return drop(UdpDrop::Expired, from);
    case UdpSessionTable::Verdict::OverRate: return drop(UdpDrop::OverRate, from);
  }
  const auto ancillary = read_ancillary(received);
  uw::Reply reply;
  reply.seq = request->seq;
  reply.reply_seq = session->replies_sent;
  reply.requests_received = session->requests_received;
  reply.client_send_us = request->client_send_us;
  reply.server_recv_us = received_us;
  reply.request_bytes = static_cast<std::uint16_t>(bytes);
  reply.received_tos = ancillary.tos;
  // Never larger than the request: the one rule, in the wire's own file.
  const auto size = uw::reply_size(bytes, request->reply_bytes);
  reply.server_send_us = steady_now_us();
  uw::encode_reply(reply, std::span<std::uint8_t>(s.out.data(), size));

  iovec data{s.out.data(), size};
  msghdr message{};
  message.msg_name = const_cast<sockaddr*>(from.data());
  message.msg_namelen = static_cast<socklen_t>(from.size());
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  // Marked as the request asked (RRUL's downstream marking checks): the
  // byte rides on the reply alone, and the reply is no larger for it.
  const bool ipv6_client = from.address().is_v6() && !from.address().to_v6().is_v4_mapped();
  write_reply_control(ancillary, request->reply_tos, ipv6_client, s.reply_control, message);
  // A reply the socket will not take now is dropped: a late answer would
  // only be a wrong one, and a queue would grow.
  if (::sendmsg(s.socket.native_handle(), &message, MSG_DONTWAIT) != static_cast<ssize_t>(size))
    return drop(UdpDrop::SendFailed, from);
  ++session->replies_sent;
  counters_.answered.fetch_add(1, std::memory_order_relaxed);
  counters_.sent_bytes.fetch_add(size, std::memory_order_relaxed);
}

void UdpResponder::drop(UdpDrop why, const udp::endpoint& from) {
  counters_.drop(why);
  last_dropped_from_ = from;
}

void UdpResponder::sweep_every_second() {
  sweep_.expires_after(std::chrono::seconds(1));
  sweep_.async_wait([this](beast::error_code ec) {
    if (ec) return;
    counters_.sessions_live.store(static_cast<std::int64_t>(table_.sweep(steady_now_us())),
                                  std::memory_order_relaxed);
    log_drops();
    sweep_every_second();
  });
}

void UdpResponder::log_drops() {
  // One line a second at most, whatever the flood: the counts since the
  // last line, by reason, and who sent the latest.
  std::string reasons;
  std::uint64_t total = 0;
  for (std::size_t k = 0; k < kUdpDropKinds; ++k) {
    const auto now = counters_.dropped_of(static_cast<UdpDrop>(k));
    const auto fresh = now - drops_logged_[k];
    drops_logged_[k] = now;
    if (fresh == 0) continue;
    total += fresh;
    reasons += (reasons.empty() ? "" : ", ") + std::string(kUdpDropNames[k]) + " " + std::to_string(fresh);
  }
  if (total == 0) return;
  log_event(LogLevel::Warning, "udp",
            "dropped " + std::to_string(total) + " datagrams (" + reasons + "); the latest from " +
                unmapped(last_dropped_from_.address()).to_string());
}

}  // namespace bloatmeter::server
