#include "bloatmeter/send_room.hpp"

#include <algorithm>
#include <cmath>

namespace bloatmeter {

bool is_real_time(const FlowSpec& flow) { return flow.pattern == TrafficPattern::Tick; }

std::uint64_t send_room(const FlowSpec& flow, std::uint64_t app_queued_bytes, std::uint64_t system_unsent_bytes) {
  const auto message = static_cast<std::uint64_t>(std::ceil(std::max(0.0, flow.nominal_message_bytes())));
  if (is_real_time(flow)) {
    const std::uint64_t cap = message + kRealTimeSlackBytes;
    const std::uint64_t unsent = app_queued_bytes + system_unsent_bytes;
    return unsent >= kRealTimeSlackBytes ? 0 : cap - unsent;
  }
  const std::uint64_t cap = std::max(kBulkRoomBytes, 2 * message);
  return app_queued_bytes >= cap ? 0 : cap - app_queued_bytes;
}

}  // namespace bloatmeter
