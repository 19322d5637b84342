#pragma once
#include <string>

#include "app_state.hpp"
#include "household_shell.hpp"
#include "operator_view.hpp"
#include "single_user_shell.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// How the page's one window was laid out: its content's full height (for
// a whole-page picture) and where it was scrolled to.
struct PageLayout {
  float content_height = 0;
  float scroll_y = 0;
  float restore_scroll_y = -1;  // in: scroll here (after a picture), once
  OperatorFields fields;         // where the page's text fields go (hidden unless drawn)
  int picked_server = -1;        // out: a fleet's server the visitor picked this frame
};

// The tests that can run; the state's mode says which one the views show.
struct Shells {
  const SingleUserShell& single;
  const HouseholdShell& household;
};

// Draws the whole UI for the current state, once per frame; returns the
// button the person pressed, if any (the operator view's in `operator_action`).
Action draw_app(const AppState& state, const Shells& shells, const Theme& theme, float width, float height,
                PageLayout& layout, OperatorAction& operator_action);

// What the DOM mirror says for the current state (plain sentences).
std::string mirror_text(const AppState& state, const Shells& shells);

}  // namespace bloatmeter::web
