#include "bloatmeter/probe_holds.hpp"

namespace bloatmeter {
namespace {

bool together(const std::optional<Micros>& a, const std::optional<Micros>& b) {
  if (!a || !b) return false;
  const Micros gap = *b > *a ? *b - *a : *a - *b;
  return gap < kHeldTogetherUs;
}

}  // namespace

std::unordered_set<std::uint32_t> probes_held_in_transport(const std::vector<const ProbeRecord*>& by_send_time) {
  std::unordered_set<std::uint32_t> held;
  const ProbeRecord* previous = nullptr;
  for (const auto* p : by_send_time) {
    if (!p->received_us) continue;  // never delivered: nothing to compare
    if (previous && p->sent_us - previous->sent_us >= kHeldSentApartUs &&
        (together(previous->server_recv_us, p->server_recv_us) || together(previous->received_us, p->received_us))) {
      held.insert(previous->seq);
      held.insert(p->seq);
    }
    previous = p;
  }
  return held;
}

}  // namespace bloatmeter
