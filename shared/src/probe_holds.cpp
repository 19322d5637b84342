#include "bloatmeter/probe_holds.hpp"

namespace bloatmeter {
namespace {

bool together(const std::optional<Micros>& a, const std::optional<Micros>& b) {
  if (!a || !b) return false;
  const Micros gap = *b > *a ? *b - *a : *a - *b;
  return gap < kHeldTogetherUs;
}

}  // namespace

std::vector<bool> held_in_transport(const std::vector<TimedDelivery>& in_send_order) {
  std::vector<bool> held(in_send_order.size(), false);
  std::optional<std::size_t> previous;
  for (std::size_t i = 0; i < in_send_order.size(); ++i) {
    const auto& m = in_send_order[i];
    if (!m.first_arrival_us && !m.second_arrival_us) continue;  // never delivered: nothing to compare
    if (previous) {
      const auto& p = in_send_order[*previous];
      if (m.sent_us - p.sent_us >= kHeldSentApartUs &&
          (together(p.first_arrival_us, m.first_arrival_us) || together(p.second_arrival_us, m.second_arrival_us)))
        held[*previous] = held[i] = true;
    }
    previous = i;
  }
  return held;
}

std::unordered_set<std::uint32_t> probes_held_in_transport(const std::vector<const ProbeRecord*>& by_send_time) {
  // Answered probes only: a probe whose echo never came is no delivery.
  std::vector<TimedDelivery> deliveries;
  std::vector<std::uint32_t> seqs;
  for (const auto* p : by_send_time) {
    if (!p->received_us) continue;
    deliveries.push_back({p->sent_us, p->server_recv_us, p->received_us});
    seqs.push_back(p->seq);
  }
  std::unordered_set<std::uint32_t> held;
  const auto flags = held_in_transport(deliveries);
  for (std::size_t i = 0; i < flags.size(); ++i)
    if (flags[i]) held.insert(seqs[i]);
  return held;
}

}  // namespace bloatmeter
