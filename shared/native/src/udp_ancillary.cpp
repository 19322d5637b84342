#include "bloatmeter/native/udp_ancillary.hpp"

#include <cstring>

namespace bloatmeter::native {
namespace {

bool turn_on(int fd, int level, int option) {
  const int on = 1;
  return ::setsockopt(fd, level, option, &on, sizeof on) == 0;
}

template <class T>
T payload_of(const cmsghdr* c) {
  T value;
  std::memcpy(&value, CMSG_DATA(c), sizeof value);
  return value;
}

// Appends `value` to the reply's control messages.
template <class T>
void put_control(AncillaryBuffer& out, msghdr& reply, int level, int type, const T& value) {
  const std::size_t used = reply.msg_control ? reply.msg_controllen : 0;
  if (used + CMSG_SPACE(sizeof(T)) > sizeof out.bytes) return;
  std::memset(out.bytes.data() + used, 0, CMSG_SPACE(sizeof(T)));
  reply.msg_control = out.bytes.data();
  reply.msg_controllen = used + CMSG_SPACE(sizeof(T));
  auto* c = reinterpret_cast<cmsghdr*>(out.bytes.data() + used);
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = CMSG_LEN(sizeof(T));
  std::memcpy(CMSG_DATA(c), &value, sizeof value);
}

}  // namespace

bool enable_ancillary(int fd, bool ipv6) {
  // Each separately: a system without one still gives the others.
  bool any = false;
  if (ipv6) {
    any |= turn_on(fd, IPPROTO_IPV6, IPV6_RECVTCLASS);
    any |= turn_on(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO);
  }
  any |= turn_on(fd, IPPROTO_IP, IP_RECVTOS);
  any |= turn_on(fd, IPPROTO_IP, IP_PKTINFO);
  return any;
}

DatagramAncillary read_ancillary(const msghdr& received) {
  DatagramAncillary out;
  // CMSG_NXTHDR takes a non-const header but only reads it.
  auto& message = const_cast<msghdr&>(received);
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && c->cmsg_len >= CMSG_LEN(1)) {
      out.tos = payload_of<std::uint8_t>(c);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      out.tos = static_cast<std::uint8_t>(payload_of<int>(c));
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
      out.ipv4_to = payload_of<in_pktinfo>(c);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
      out.ipv6_to = payload_of<in6_pktinfo>(c);
    }
  }
  return out;
}

void write_reply_control(const DatagramAncillary& request, std::optional<std::uint8_t> tos, bool ipv6_client,
                         AncillaryBuffer& out, msghdr& reply) {
  reply.msg_control = nullptr;
  reply.msg_controllen = 0;
  if (tos) {
    const int value = *tos;
    if (ipv6_client) put_control(out, reply, IPPROTO_IPV6, IPV6_TCLASS, value);
    else put_control(out, reply, IPPROTO_IP, IP_TOS, value);
  }
  if (request.ipv4_to) {
    in_pktinfo source{};
    // ipi_addr is the address the client wrote to; as ipi_spec_dst it is
    // the reply's source. No interface: routing picks the way back.
    source.ipi_spec_dst = request.ipv4_to->ipi_addr;
    put_control(out, reply, IPPROTO_IP, IP_PKTINFO, source);
  } else if (request.ipv6_to) {
    in6_pktinfo source{};
    source.ipi6_addr = request.ipv6_to->ipi6_addr;
    // A link-local address means something only on its own link.
    if (IN6_IS_ADDR_LINKLOCAL(&source.ipi6_addr)) source.ipi6_ifindex = request.ipv6_to->ipi6_ifindex;
    put_control(out, reply, IPPROTO_IPV6, IPV6_PKTINFO, source);
  }
}

}  // namespace bloatmeter::native
