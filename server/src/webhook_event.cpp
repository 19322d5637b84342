#include "webhook_event.hpp"

namespace bloatmeter::server {

std::string webhook_event_body(const TelemetryRow& row) {
  auto telemetry = to_json(row);
  telemetry.erase("seq");  // the database's bookkeeping, not the test's
  return nlohmann::json{{"type", "test.completed"},
                        {"event_id", row.result_id},
                        {"result_id", row.result_id},
                        {"created_at", row.created_at},
                        {"telemetry", std::move(telemetry)}}
      .dump();
}

}  // namespace bloatmeter::server
