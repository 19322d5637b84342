#pragma once
// Touch for ImGui: a finger is the mouse (tap = click), and a vertical drag
// that is not on a widget scrolls the page, as a phone user expects.
namespace bloatmeter::web {

void install_touch_input();
// Call after the platform backend's NewFrame and before ImGui::NewFrame.
void apply_touch_input();
// A touch is in progress (the view should keep redrawing).
bool touch_active();

}  // namespace bloatmeter::web
