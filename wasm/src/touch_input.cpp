#include "touch_input.hpp"

#include <cfloat>
#include <cmath>

#include <emscripten/html5.h>
#include <imgui.h>

namespace bloatmeter::web {
namespace {

// A tap must reach ImGui as: a frame with the button down at the finger, a
// frame with it up at the same place (buttons fire on release while
// hovered), then the pointer leaves so nothing stays hovered.
enum class Phase { Idle, Down, QuickTap, Releasing, Leaving };

struct TouchState {
  Phase phase = Phase::Idle;
  bool frame_saw_down = false;
  float x = 0, y = 0;  // device pixels
  float last_y = 0;
  float travel = 0;        // total vertical movement of this touch
  float scroll_delta = 0;  // movement not yet turned into scrolling
} g_touch;

bool first_touch(const EmscriptenTouchEvent* e, float& x, float& y) {
  if (e->numTouches <= 0) return false;
  const double dpr = emscripten_get_device_pixel_ratio();
  x = static_cast<float>(e->touches[0].targetX * dpr);
  y = static_cast<float>(e->touches[0].targetY * dpr);
  return true;
}

bool is_drag() { return g_touch.travel > 12.0f * static_cast<float>(emscripten_get_device_pixel_ratio()); }

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  float x = 0, y = 0;
  if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
    if (!first_touch(e, x, y)) return EM_TRUE;
    g_touch = {};
    g_touch.phase = Phase::Down;
    g_touch.x = x;
    g_touch.y = g_touch.last_y = y;
  } else if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
    if (g_touch.phase != Phase::Down || !first_touch(e, x, y)) return EM_TRUE;
    g_touch.scroll_delta += y - g_touch.last_y;
    g_touch.travel += std::fabs(y - g_touch.last_y);
    g_touch.last_y = y;
    g_touch.x = x;
    g_touch.y = y;
  } else if (g_touch.phase == Phase::Down) {  // end or cancel
    g_touch.phase = g_touch.frame_saw_down || is_drag() ? Phase::Releasing : Phase::QuickTap;
  }
  return EM_TRUE;  // handled: no emulated mouse events behind our back
}

}  // namespace

void install_touch_input() {
  emscripten_set_touchstart_callback("#canvas", nullptr, EM_TRUE, on_touch);
  emscripten_set_touchmove_callback("#canvas", nullptr, EM_TRUE, on_touch);
  emscripten_set_touchend_callback("#canvas", nullptr, EM_TRUE, on_touch);
  emscripten_set_touchcancel_callback("#canvas", nullptr, EM_TRUE, on_touch);
}

bool touch_active() { return g_touch.phase != Phase::Idle; }

void apply_touch_input() {
  if (g_touch.phase == Phase::Idle) return;  // mouse users: leave io alone
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(g_touch.x, g_touch.y);
  switch (g_touch.phase) {
    case Phase::Down:
      g_touch.frame_saw_down = true;
      io.MouseDown[0] = !is_drag();
      if (is_drag() && g_touch.scroll_delta != 0) {
        io.MouseWheel += g_touch.scroll_delta / (ImGui::GetTextLineHeightWithSpacing() * 3.0f);
        g_touch.scroll_delta = 0;
      }
      break;
    case Phase::QuickTap:
      io.MouseDown[0] = true;
      g_touch.phase = Phase::Releasing;
      break;
    case Phase::Releasing:
      io.MouseDown[0] = false;
      g_touch.phase = Phase::Leaving;
      break;
    case Phase::Leaving:
    case Phase::Idle:
      io.MouseDown[0] = false;
      io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
      g_touch.phase = Phase::Idle;
      break;
  }
}

}  // namespace bloatmeter::web
