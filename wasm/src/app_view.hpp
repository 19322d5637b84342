#pragma once
#include <string>

#include "app_state.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// Draws the whole UI for the current state, once per frame.
void draw_app(AppState& state, const Theme& theme, float width, float height);

// What the DOM mirror says for the current state (plain sentences).
std::string mirror_text(const AppState& state);

}  // namespace bloatmeter::web
