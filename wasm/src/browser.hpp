#pragma once
// The thin adapter to the page around the canvas: the DOM mirror (text for
// screen readers and tests), the ready signal, the canvas size.
#include <string>
#include <vector>

namespace bloatmeter::web {

// Replaces the DOM mirror's text (an aria-live region beside the canvas).
void set_dom_mirror(const std::string& text);
// Sets document.body's data-state attribute (tests wait on it).
void set_page_state(const std::string& state);

// A view's buttons of the moment as real ones (#view-controls): a label and
// whether it is the chosen option (aria-pressed) each. Pressing the i-th
// calls bm_view_control(i).
struct DomControl {
  std::string label;
  bool pressed = false;
  bool operator==(const DomControl&) const = default;
};
void set_dom_controls(const std::vector<DomControl>& controls);

struct CanvasSize {
  int css_width = 0;
  int css_height = 0;
  float device_pixel_ratio = 1;
};
// Keeps the canvas's backing store at CSS size x device pixel ratio, so
// drawing is sharp on high-DPI screens. Returns the current sizes.
CanvasSize sync_canvas_size();

double now_ms();  // performance.now()
// The wall clock now, ISO 8601 UTC with milliseconds.
std::string now_iso();

}  // namespace bloatmeter::web
