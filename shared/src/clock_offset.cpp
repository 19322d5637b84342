#include "bloatmeter/clock_offset.hpp"

#include <algorithm>

namespace bloatmeter {

double ClockOffset::upload_delay_ms(const ProbeRecord& p) const {
  // Integer difference first: both terms may be ~1e13 µs apart in epoch.
  const double server_minus_sent_us = static_cast<double>(*p.server_recv_us - p.sent_us);
  return (server_minus_sent_us - server_minus_client_us) / 1000.0;
}

double ClockOffset::download_delay_ms(const ProbeRecord& p) const {
  const double rtt_ms = static_cast<double>(*p.received_us - p.sent_us) / 1000.0;
  return rtt_ms - upload_delay_ms(p);
}

std::optional<ClockOffset> estimate_clock_offset(const std::vector<const ProbeRecord*>& baseline_probes) {
  std::vector<const ProbeRecord*> usable;
  for (const auto* p : baseline_probes)
    if (p->received_us && p->server_recv_us) usable.push_back(p);
  if (usable.empty()) return std::nullopt;

  const auto rtt_us = [](const ProbeRecord* p) { return *p->received_us - p->sent_us; };
  std::stable_sort(usable.begin(), usable.end(), [&](auto* a, auto* b) { return rtt_us(a) < rtt_us(b); });
  const std::size_t fastest = std::max<std::size_t>(1, usable.size() / 3);

  double sum_server_minus_client = 0;
  for (std::size_t i = 0; i < fastest; ++i) {
    const auto* p = usable[i];
    // Server receive - (send + RTT/2): the server's clock minus the client's
    // at the moment the probe is assumed to have arrived.
    sum_server_minus_client += static_cast<double>(*p->server_recv_us - p->sent_us) - static_cast<double>(rtt_us(p)) / 2.0;
  }
  return ClockOffset{sum_server_minus_client / static_cast<double>(fastest)};
}

}  // namespace bloatmeter
