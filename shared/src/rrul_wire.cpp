#include "bloatmeter/rrul_wire.hpp"

namespace bloatmeter {

TcpWire estimate_tcp_wire(double payload_bytes, IpFamily family, const WireParams& p) {
  const bool v4 = family == IpFamily::V4;
  const double mss = v4 ? p.mss_v4 : p.mss_v6;
  const double header = (v4 ? p.tcp_header_v4 : p.tcp_header_v6) + p.encapsulation_bytes;
  TcpWire w;
  if (payload_bytes <= 0 || mss <= 0) return w;
  w.payload_bytes = payload_bytes;
  w.segments = payload_bytes / mss;
  w.data_wire_bytes = payload_bytes + w.segments * header;
  w.acks = p.segments_per_ack > 0 ? w.segments / p.segments_per_ack : w.segments;
  w.ack_wire_bytes = w.acks * header;
  return w;
}

double udp_wire_bytes(double payload_bytes, double count, IpFamily family, const WireParams& p) {
  if (payload_bytes < 0 || count <= 0) return 0;
  const double header = (family == IpFamily::V4 ? p.udp_header_v4 : p.udp_header_v6) + p.encapsulation_bytes;
  return count * (payload_bytes + header);
}

}  // namespace bloatmeter
