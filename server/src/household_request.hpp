#pragma once
// What a household WebSocket upgrade asked for, checked by the router
// (websocket_routes.hpp) before the session starts.
#include <string>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/clock.hpp"

namespace bloatmeter::server {

struct HouseholdRequest {
  int user_index = -1;
  UserProfile profile;
  std::string plan;  // "standard" or "quick"
  bool greedy = false;
  Micros duration_us = 0;  // the plan's users phase: how long the download runs
};

}  // namespace bloatmeter::server
