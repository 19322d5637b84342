#pragma once
// The bytes a flow put on the wire, estimated from the bytes it carried
// (RRUL2013: "track and sum bi-directional throughput, using estimates for
// ACK sizes of ipv4, ipv6, and encapsulated ipv6 packets, udp and tcp_rr
// packets"). A user-space test sees payload only; the formulas and their
// assumptions are in docs/method-notes.md, "The RRUL score".
#include "bloatmeter/rrul_marking.hpp"

namespace bloatmeter {

struct WireParams {
  // Full-size segments' payload with TCP timestamps on a 1500-byte MTU.
  double mss_v4 = 1448, mss_v6 = 1428;
  // IP + TCP header with timestamps: 20 + 32 and 40 + 32.
  double tcp_header_v4 = 52, tcp_header_v6 = 72;
  // IP + UDP header: 20 + 8 and 40 + 8.
  double udp_header_v4 = 28, udp_header_v6 = 48;
  // Added to every packet by a tunnel (6in4: 20), 0 on a native path.
  double encapsulation_bytes = 0;
  // Data segments per ACK the receiver sends (delayed ACKs: 2).
  double segments_per_ack = 2;
};

struct TcpWire {
  double payload_bytes = 0;
  double segments = 0;          // payload / MSS
  double data_wire_bytes = 0;   // payload + a header per segment, this direction
  double acks = 0;              // segments / segments_per_ack
  double ack_wire_bytes = 0;    // a header per ACK, the other direction
};
TcpWire estimate_tcp_wire(double payload_bytes, IpFamily family, const WireParams& p = {});

// `count` UDP datagrams of `payload_bytes` each.
double udp_wire_bytes(double payload_bytes, double count, IpFamily family, const WireParams& p = {});

}  // namespace bloatmeter
