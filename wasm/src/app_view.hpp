#pragma once
#include <string>

#include "app_state.hpp"
#include "test_runner.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// Draws the whole UI for the current state, once per frame; returns the
// button the person pressed, if any.
Action draw_app(const AppState& state, const TestRunner& runner, const Theme& theme, float width, float height);

// What the DOM mirror says for the current state (plain sentences).
std::string mirror_text(const AppState& state, const TestRunner& runner);

}  // namespace bloatmeter::web
