#pragma once
// The body of a webhook event: the telemetry row of one completed test and
// its result id, nothing the operator could not read from the API.
#include <string>

#include "telemetry_row.hpp"

namespace bloatmeter::server {

std::string webhook_event_body(const TelemetryRow& row);

}  // namespace bloatmeter::server
