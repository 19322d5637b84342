#pragma once
#include <optional>
#include <vector>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// The estimated relation between the server's clock and the client's.
//
// Sign convention: server_minus_client_us is what must be SUBTRACTED from a
// server timestamp to read it on the client's clock (server clock - client
// clock, as Summary::clock_offset_ms documents). The method (§1) writes the
// opposite sign, offset = send + RTT/2 - server_receive = client - server;
// the two are each other's negation and give identical one-way delays.
struct ClockOffset {
  double server_minus_client_us = 0;

  double to_client_us(Micros server_us) const { return static_cast<double>(server_us) - server_minus_client_us; }
  // Server receive - send, both on the client's clock. Can come out slightly
  // negative on a probe faster than the ones the offset came from: it is
  // reported as measured, never clamped.
  double upload_delay_ms(const ProbeRecord& p) const;
  // RTT - upload delay.
  double download_delay_ms(const ProbeRecord& p) const;
};

// Estimates the offset from baseline probes (method §1): of the answered
// probes that carry a server receive time, the third with the lowest RTT
// (at least one probe), assuming each crossed the path symmetrically:
// client - server = mean(send + RTT/2 - server receive). Arithmetic runs on
// differences of 64-bit integers first, so server clocks hours (or years)
// away from the client's lose no precision. Nothing to estimate from: none.
std::optional<ClockOffset> estimate_clock_offset(const std::vector<const ProbeRecord*>& baseline_probes);

}  // namespace bloatmeter
