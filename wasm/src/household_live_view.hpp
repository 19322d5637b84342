#pragma once
// The household test's live view: the timeline, one card per simulated
// user (what it does, its latency, throughput against demand, a status
// colour) and the users' combined latency chart.
#include <string>

#include "household_shell.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

void draw_household_live(const HouseholdShell& shell, const Theme& theme, float width);

// What the DOM mirror says while it runs.
std::string household_live_text(const HouseholdShell& shell);

}  // namespace bloatmeter::web
