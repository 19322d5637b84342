#pragma once
// `bloatmeter udp-probe URL [--seconds N] [--interval-ms M] [--size BYTES]
// [--insecure]`: a diagnostic of the UDP probe lane (docs/protocol.md, "UDP
// probe lane"). Opens a session over the server's HTTP API, sends a
// request every M ms (a call's pace by default: 172-byte datagrams every
// 20 ms) for N seconds, and prints what each direction lost, reordered,
// duplicated and delayed: loss and one-way delay each way, never folded
// into a latency. Not part of a test's result (yet).
#include <ostream>
#include <string>
#include <vector>

namespace bloatmeter::cli {

// Returns the exit code (0 done, 2 bad command line, 3 server unreachable
// or without a UDP lane, 4 stopped with Ctrl-C: what was measured is still
// printed).
int run_udp_probe(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
