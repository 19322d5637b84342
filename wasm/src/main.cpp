// The browser client's entry: a GLFW window on the page's canvas (WebGL2),
// Dear ImGui drawn each frame from AppState, driven by the browser's
// animation frames.
#include <cstdio>
#include <string>

#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app_state.hpp"
#include "app_view.hpp"
#include "browser.hpp"
#include "server_api.hpp"
#include "theme.hpp"
#include "touch_input.hpp"

namespace {

using namespace bloatmeter::web;

struct Client {
  GLFWwindow* window = nullptr;
  Theme theme;
  AppState state;
  std::string last_mirror;
};

Client* g_client = nullptr;

// Browsers report wheel deltas in pixels (~100 a notch); ImGui wants notches.
void on_scroll(GLFWwindow*, double dx, double dy) {
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheelH += static_cast<float>(dx / 100.0);
  io.MouseWheel -= static_cast<float>(dy / 100.0);
}

void frame() {
  Client& c = *g_client;
  const CanvasSize size = sync_canvas_size();
  if (size.device_pixel_ratio != c.theme.scale) apply_theme(c.theme, size.device_pixel_ratio);
  const int fb_w = static_cast<int>(size.css_width * size.device_pixel_ratio);
  const int fb_h = static_cast<int>(size.css_height * size.device_pixel_ratio);
  glfwSetWindowSize(c.window, fb_w, fb_h);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // ImGui works in device pixels: the canvas backing store, with the UI
  // scaled by the theme. That keeps text sharp and pointer positions exact.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(fb_w), static_cast<float>(fb_h));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  apply_touch_input();
  ImGui::NewFrame();
  draw_app(c.state, c.theme, io.DisplaySize.x, io.DisplaySize.y);
  ImGui::Render();

  glViewport(0, 0, fb_w, fb_h);
  const auto& bg = c.theme.palette.background;
  glClearColor(bg.x, bg.y, bg.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  const std::string mirror = mirror_text(c.state);
  if (mirror != c.last_mirror) {
    set_dom_mirror(mirror);
    c.last_mirror = mirror;
  }
  if (!c.state.first_frame_drawn) {
    c.state.first_frame_drawn = true;
    set_page_state("ui");
  }
  if (c.state.health.status != ServerHealth::Status::Loading) set_page_state("ready");
}

}  // namespace

int main() {
  if (!glfwInit()) {
    set_dom_mirror("This browser could not start the test (no graphics support).");
    set_page_state("error");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  static Client client;
  g_client = &client;
  const CanvasSize size = sync_canvas_size();
  client.window = glfwCreateWindow(static_cast<int>(size.css_width * size.device_pixel_ratio),
                                   static_cast<int>(size.css_height * size.device_pixel_ratio), "bloatmeter",
                                   nullptr, nullptr);
  if (!client.window) {
    set_dom_mirror("This browser could not start the test (WebGL2 is not available).");
    set_page_state("error");
    return 1;
  }
  glfwMakeContextCurrent(client.window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not saved state
  io.ConfigWindowsResizeFromEdges = false;
  ImGui_ImplGlfw_InitForOpenGL(client.window, true);
  glfwSetScrollCallback(client.window, on_scroll);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  install_touch_input();
  apply_theme(client.theme, size.device_pixel_ratio);

  request_health(client.state.health);
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
