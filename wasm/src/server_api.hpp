#pragma once
// Requests to the bloatmeter server over the browser's fetch API.
#include "app_state.hpp"

namespace bloatmeter::web {

// Fetches /api/health and fills `out` when it answers (asynchronously).
void request_health(ServerHealth& out);

}  // namespace bloatmeter::web
