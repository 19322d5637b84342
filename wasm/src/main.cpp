// The browser client's entry: a GLFW window on the page's canvas (WebGL2),
// Dear ImGui drawn each frame from AppState, the test driven by a 5 ms
// timer. This file wires state, views and adapters together; it holds no
// measurement logic.
#include <optional>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <nlohmann/json.hpp>

#include "app_state.hpp"
#include "app_view.hpp"
#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/version.hpp"
#include "bloatmeter/web_origin.hpp"
#include "bloatmeter/household_plan.hpp"
#include "browser.hpp"
#include "dom_fields.hpp"
#include "household_shell.hpp"
#include "operator_api.hpp"
#include "page_io.hpp"
#include "results_view.hpp"
#include "server_api.hpp"
#include "server_choice.hpp"
#include "single_user_shell.hpp"
#include "theme.hpp"
#include "touch_input.hpp"

namespace {

using namespace bloatmeter;
using namespace bloatmeter::web;

struct Client {
  GLFWwindow* window = nullptr;
  Theme theme;
  AppState state;
  SingleUserShell shell;
  HouseholdShell household;
  bool household_active = false;
  std::string last_mirror;
  std::string last_page_state;
  Action pending_action = Action::None;  // from the page's accessible buttons
  OperatorAction pending_operator;        // from the operator view's accessible buttons and fields
  int pending_server = -1;                // a fleet's server picked by an accessible button
  struct ControlAction {
    OperatorAction op;
    int server = -1;              // on the start screen: the fleet's server it picks
    bool toggle_servers = false;  // or it opens and closes the list of them
  };
  std::vector<ControlAction> control_actions;  // what each of #view-controls' buttons does
  std::vector<DomControl> last_controls;
  OperatorFields last_fields;
  float operator_scroll_y = 0;  // the dashboard's scroll when a result was opened from it
  bool pointer_cursor = false;
  PageLayout layout;
  bool picture_requested = false;  // a whole-page PNG, made on the next drawn frame
  // Redraw throttling (should_draw).
  double last_draw_ms = 0;
  double last_mouse_x = -1, last_mouse_y = -1;
  int last_buttons = 0;
  int last_css_width = 0, last_css_height = 0;
  int busy_frames = 4;
};

Client* g_client = nullptr;

EM_JS(char*, js_user_agent, (), {
  var v = navigator.userAgent;
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});
EM_JS(void, js_set_cursor, (int pointer), { Module.canvas.style.cursor = pointer ? 'pointer' : 'default'; });
EM_JS(void, js_open_url, (const char* url), { window.open(UTF8ToString(url), '_blank', 'noopener'); });

std::string take(char* p) {
  std::string s(p ? p : "");
  free(p);
  return s;
}

std::string ws_origin() { return websocket_origin(test_origin(g_client->state.servers)); }

void notify(const std::string& text) {
  g_client->state.notice = text;
  g_client->state.notice_until_ms = emscripten_get_now() + 4000;
}

void show_result(Result result, bool replayed, std::string share_id = {}) {
  AppState& s = g_client->state;
  result.summary = recompute(result);  // the shared core, never a claimed summary
  ShownResult shown;
  shown.view = prepare_result_view(result, g_client->theme.palette);
  shown.result = std::move(result);
  shown.replayed = replayed;
  shown.share_id = std::move(share_id);
  s.shown = std::move(shown);
  s.screen = Screen::Results;
  s.error.clear();
  g_client->layout.restore_scroll_y = 0;  // (between frames ImGui has no window to scroll)
}

void submit_shown_result() {
  AppState& s = g_client->state;
  if (!s.shown) return;
  s.shown->submitting = true;
  http_request("POST", home_url(s.servers, "api/results"), serialize_result(s.shown->result), [](const HttpReply& r) {
    AppState& st = g_client->state;
    if (!st.shown) return;
    st.shown->submitting = false;
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if ((r.status == 200 || r.status == 201) && doc.is_object() && doc.contains("id") && doc["id"].is_string()) {
      st.shown->share_id = doc["id"].get<std::string>();
    } else if (r.status == 0) {
      st.shown->submit_error = "the server could not be reached";
    } else {
      st.shown->submit_error = doc.is_object() && doc.contains("error") && doc["error"].is_string()
                                   ? doc["error"].get<std::string>()
                                   : "HTTP " + std::to_string(r.status);
    }
  });
}

// What the page says when the server has no room for a test, or is
// restarting: its 503 (or 429) carries Retry-After, and the server's reason
// for the curious.
std::optional<std::string> busy_message(const HttpReply& r) {
  if (r.status != 503 && r.status != 429) return std::nullopt;
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  int retry = 5;
  if (doc.is_object() && doc.contains("retry_after_seconds") && doc["retry_after_seconds"].is_number_integer())
    retry = doc["retry_after_seconds"].get<int>();
  // A draining server (a restart or an upgrade) says so: it is not full.
  const bool restarting = doc.is_object() && doc.contains("restarting") && doc["restarting"].is_boolean() &&
                          doc["restarting"].get<bool>();
  return std::string(restarting ? "The test server is restarting" : "The test server is busy") + ", try again in " +
         std::to_string(retry) + " s.";
}

void begin_test() {
  AppState& s = g_client->state;
  s.screen = Screen::Running;
  s.error.clear();
  if (s.mode == TestMode::Household) {
    HouseholdPlan plan;
    if (!household_plan_by_name(url_param("plan"), s.greedy, plan)) plan = standard_household_plan(s.greedy);
    g_client->household.start(std::move(plan), ws_origin(), g_client->theme.palette);
    return;
  }
  PhasePlan plan;
  if (!plan_by_name(url_param("plan"), plan)) plan = standard_plan();
  g_client->shell.start(plan, test_origin(s.servers), g_client->theme.palette);
}

// Asks the server for room first: a browser cannot read why a WebSocket
// upgrade was refused, so a test the server could not measure would
// otherwise fail as "connection lost".
void start_test() {
  g_client->state.error.clear();
  g_client->state.servers.open = false;
  const int asked = g_client->state.servers.chosen;
  http_request("GET", test_url(g_client->state.servers, "api/test-slot"), {}, [asked](const HttpReply& r) {
    AppState& s = g_client->state;
    if (s.servers.chosen != asked) return;  // another server was picked meanwhile: its Start asks again
    if (const auto busy = busy_message(r)) {
      s.screen = Screen::Start;
      s.error = *busy;
      return;
    }
    begin_test();
  });
}

// Called when a shell has stopped: a result, or a failure to start.
void on_test_finished(bool household) {
  Client& c = *g_client;
  const std::string& failure = household ? c.household.failure() : c.shell.failure();
  if (!failure.empty()) {
    c.state.screen = Screen::Start;
    c.state.error = "The test could not run: " + failure + ".";
    // Another test may have taken the last place between the question and
    // the lanes: then say so instead.
    http_request("GET", test_url(c.state.servers, "api/test-slot"), {}, [](const HttpReply& r) {
      if (const auto busy = busy_message(r)) g_client->state.error = *busy;
    });
    return;
  }
  Result r = household ? c.household.take_result() : c.shell.take_result();
  r.meta.tool_version = kVersion;
  r.meta.client = "browser";
  r.meta.server = test_origin(c.state.servers);
  r.meta.server_name = chosen_server_name(c.state.servers);
  r.meta.user_agent = take(js_user_agent());
  show_result(std::move(r), false);
  submit_shown_result();
}

// A result the server stored, by its id: a shared link's, or one the
// operator opened (whose view "back" returns to).
void open_stored_result(const std::string& id, bool from_operator) {
  if (from_operator) {
    g_client->state.operator_state.opening_id = id;
    g_client->state.operator_state.open_error.clear();
  }
  http_request("GET", home_url(g_client->state.servers, "api/results/" + id), {}, [from_operator](const HttpReply& r) {
    AppState& s = g_client->state;
    const auto fail = [&](const std::string& why) {
      if (!from_operator) {
        s.error = "That shared result " + why;
        return;
      }
      s.operator_state.opening_id.clear();
      s.operator_state.open_error = "That result " + why;
    };
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !doc.is_object() || !doc.contains("result")) return fail("was not found.");
    auto parsed = result_from_json(doc["result"]);
    if (!parsed) return fail("could not be read: " + parsed.error());
    // The operator may have left for another screen meanwhile.
    if (from_operator && (s.screen != Screen::Operator || s.operator_state.opening_id.empty())) return;
    s.operator_state.opening_id.clear();
    show_result(std::move(parsed.value()), false, doc.value("id", ""));
    if (s.shown) s.shown->from_operator = from_operator;
  });
}

// Asks the server the tests run against for its health and sponsor.
void ask_test_server() {
  AppState& s = g_client->state;
  s.sponsor = {};
  request_health(s.health, test_url(s.servers, "api/health"));
  request_sponsor(s.sponsor, test_url(s.servers, "api/sponsor"));
}

// The visitor picks one of a fleet's servers, on the start screen only.
void pick_server(int index) {
  AppState& s = g_client->state;
  ServerChoice& c = s.servers;
  if (s.screen != Screen::Start || c.measuring() || index < 0 || index >= static_cast<int>(c.list.servers.size())) return;
  if (!c.rtt_ms[static_cast<std::size_t>(index)]) return;  // it did not answer: no test could run there
  c.open = false;
  if (index == c.chosen) return;
  c.chosen = index;
  c.picked = true;
  s.error.clear();
  ask_test_server();
}

// The operator view, entered at /#operator: with the key this tab kept, the
// dashboard again; else the key prompt.
void enter_operator() {
  AppState& s = g_client->state;
  if (s.screen == Screen::Running) return;
  s.screen = Screen::Operator;
  s.error.clear();
  if (s.operator_state.stage == OperatorState::Stage::NeedKey) operator_resume(s.operator_state);
  g_client->layout.restore_scroll_y = 0;
}

void leave_operator() {
  AppState& s = g_client->state;
  clear_page_hash();
  if (s.screen == Screen::Operator) s.screen = Screen::Start;
}

void handle_operator(const OperatorAction& a) {
  using Kind = OperatorAction::Kind;
  AppState& app = g_client->state;
  OperatorState& s = app.operator_state;
  if (app.screen != Screen::Operator || a.kind == Kind::None) return;
  const auto refilter = [&](auto change) {
    change(s.filter);
    s.rows_shown = 25;
    operator_load(s);
  };
  switch (a.kind) {
    case Kind::None: break;
    case Kind::SignIn:
      blur_dom_fields();
      operator_sign_in(s, dom_field_value("operator-key"));
      clear_dom_field("operator-key");
      break;
    case Kind::SignOut:
      clear_dom_field("operator-search");
      operator_sign_out(s);
      break;
    case Kind::Leave: leave_operator(); break;
    case Kind::Refresh: operator_load(s); break;
    case Kind::Search:
      blur_dom_fields();
      operator_search(s, dom_field_value("operator-search"));
      break;
    case Kind::OpenResult:
      g_client->operator_scroll_y = g_client->layout.scroll_y;
      open_stored_result(a.text, true);
      break;
    case Kind::Sort:
      s.sort = toggled(s.sort, static_cast<SortColumn>(a.value));
      sort_rows(s.rows, s.sort);
      break;
    case Kind::Period:
      refilter([&](OperatorFilter& f) {
        f.period = static_cast<PeriodFilter>(a.value);
        f.day.clear();
      });
      break;
    case Kind::Day:
      refilter([&](OperatorFilter& f) {
        f.period = PeriodFilter::OneDay;
        f.day = a.text;
      });
      break;
    case Kind::Grade: refilter([&](OperatorFilter& f) { f.grade = a.text; }); break;
    case Kind::Client: refilter([&](OperatorFilter& f) { f.client_kind = a.text; }); break;
    case Kind::ShowMore: s.rows_shown += 25; break;
  }
}

void handle(Action a) {
  AppState& s = g_client->state;
  switch (a) {
    case Action::None: break;
    case Action::Start:
    case Action::RunAgain: start_test(); break;
    // The test's kind is chosen on the start screen, never mid-test.
    case Action::ModeSingleUser:
      if (s.screen != Screen::Running) s.mode = TestMode::SingleUser;
      break;
    case Action::ModeHousehold:
      if (s.screen != Screen::Running) s.mode = TestMode::Household;
      break;
    case Action::ToggleGreedy:
      if (s.screen != Screen::Running) s.greedy = !s.greedy;
      break;
    case Action::ToggleServers:
      if (s.screen == Screen::Start && s.servers.list.servers.size() > 1) s.servers.open = !s.servers.open;
      break;
    case Action::BackToOperator:
      if (s.screen == Screen::Results && s.shown && s.shown->from_operator) {
        s.screen = Screen::Operator;
        g_client->layout.restore_scroll_y = g_client->operator_scroll_y;  // where the operator was
      }
      break;
    case Action::OpenFile: open_file_picker(); break;
    case Action::OpenSponsor:
      if (!s.sponsor.url.empty()) js_open_url(s.sponsor.url.c_str());
      break;
    case Action::SaveFile:
      if (s.shown) {
        const std::string name = "bloatmeter-" + s.shown->result.meta.started_at.substr(0, 19) + ".json";
        save_text_file(name, serialize_result(s.shown->result, 1), "application/json");
        notify("Result file saved.");
      }
      break;
    case Action::SavePng:
      g_client->picture_requested = true;
      break;
    case Action::CopyLink:
      if (s.shown && !s.shown->share_id.empty()) {
        copy_to_clipboard(page_origin() + page_path() + "?result=" + s.shown->share_id);
        notify("Share link copied.");
      }
      break;
  }
}

std::string page_state() {
  const AppState& s = g_client->state;
  if (s.screen == Screen::Running) return "running";
  if (s.screen == Screen::Operator) {
    switch (s.operator_state.stage) {
      case OperatorState::Stage::NeedKey: return "operator-key";
      case OperatorState::Stage::Checking: return "operator-checking";
      case OperatorState::Stage::Ready: return s.operator_state.loaded ? "operator" : "operator-loading";
    }
  }
  if (s.screen == Screen::Results && s.shown) {
    if (s.shown->from_operator) return s.shown->submitting ? "submitting" : "operator-result";
    if (s.shown->replayed) return "replayed";
    return s.shown->submitting ? "submitting" : "done";
  }
  if (!s.error.empty()) return "error";
  return s.health.status == ServerHealth::Status::Loading ? "ui" : "ready";
}

void on_timer(void*) {
  Client& c = *g_client;
  // The operator's dashboard follows new tests: reloaded each minute.
  const OperatorState& o = c.state.operator_state;
  if (c.state.screen == Screen::Operator && o.stage == OperatorState::Stage::Ready && o.loads_pending == 0 &&
      emscripten_get_now() - o.loaded_at_ms > 60000)
    operator_load(c.state.operator_state);
  const auto before = c.shell.state();
  c.shell.tick(emscripten_get_now());
  if (before != SingleUserShell::State::Finished && before != SingleUserShell::State::Idle &&
      c.shell.state() == SingleUserShell::State::Finished)
    on_test_finished(false);
  // The household shell also finishes from the worker's messages, between
  // timer calls: a run that was active and no longer is has finished.
  const bool was_active = c.household_active;
  c.household.tick(emscripten_get_now());
  c.household_active = c.household.active();
  if (was_active && !c.household_active) on_test_finished(true);
}

// Browsers report wheel deltas in pixels (~100 a notch); ImGui wants notches.
void on_scroll(GLFWwindow*, double dx, double dy) {
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheelH += static_cast<float>(dx / 100.0);
  io.MouseWheel -= static_cast<float>(dy / 100.0);
}

// Drawing competes with the probes for the page's one thread (and costs a
// lot with software WebGL): during a test the view redraws ten times a
// second; otherwise only while something moves, or twice a second.
bool should_draw(Client& c, const CanvasSize& size) {
  const double now = emscripten_get_now();
  double mx = 0, my = 0;
  glfwGetCursorPos(c.window, &mx, &my);
  const int buttons = glfwGetMouseButton(c.window, GLFW_MOUSE_BUTTON_LEFT);
  const bool input = mx != c.last_mouse_x || my != c.last_mouse_y || buttons != c.last_buttons ||
                     ImGui::GetIO().MouseWheel != 0 || touch_active() ||
                     size.css_width != c.last_css_width || size.css_height != c.last_css_height;
  c.last_mouse_x = mx;
  c.last_mouse_y = my;
  c.last_buttons = buttons;
  c.last_css_width = size.css_width;
  c.last_css_height = size.css_height;
  if (input || c.pending_action != Action::None || c.pending_operator.kind != OperatorAction::Kind::None ||
      c.pending_server >= 0)
    c.busy_frames = 4;  // let ImGui settle after input
  const double interval = c.state.screen == Screen::Running ? 100 : (c.busy_frames > 0 ? 0 : 500);
  if (c.busy_frames > 0) --c.busy_frames;
  if (now - c.last_draw_ms < interval) return false;
  c.last_draw_ms = now;
  return true;
}

// One ImGui frame laid out at w x h device pixels (not yet drawn). A
// picture is laid out with no pointer (no hover highlights).
Action layout_ui(Client& c, int w, int h, bool for_picture, OperatorAction* operator_action = nullptr) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // ImGui works in device pixels: the canvas backing store, with the UI
  // scaled by the theme. That keeps text sharp and pointer positions exact.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  if (for_picture) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  else apply_touch_input();
  ImGui::NewFrame();
  OperatorAction op;
  const Action action =
      draw_app(c.state, Shells{c.shell, c.household}, c.theme, io.DisplaySize.x, io.DisplaySize.y, c.layout, op);
  ImGui::Render();
  if (operator_action) *operator_action = std::move(op);
  return action;
}

// Draws rows [top, top + h) of the laid-out frame into the bound
// framebuffer, w x h device pixels.
void draw_rows(const Client& c, int w, int top, int h) {
  ImDrawData* dd = ImGui::GetDrawData();
  dd->DisplayPos = ImVec2(0, static_cast<float>(top));
  dd->DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
  glViewport(0, 0, w, h);
  const auto& bg = c.theme.palette.background;
  glClearColor(bg.x, bg.y, bg.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(dd);
}

// One ImGui frame drawn into the bound framebuffer at w x h device pixels.
Action render_ui(Client& c, int w, int h, bool for_picture, OperatorAction* operator_action = nullptr) {
  const Action action = layout_ui(c, w, h, for_picture, operator_action);
  draw_rows(c, w, 0, h);
  return action;
}

// The whole page as a PNG, not just what the window shows: the UI is laid
// out once more, as tall as its content, and drawn into an offscreen
// framebuffer in bands no taller than the GPU allows (a phone's view at a
// pixel ratio of 3 is taller than WebGL's largest picture), which are put
// together into one image.
void save_page_picture(Client& c, int width) {
  GLint max_size = 0;
  GLint max_viewport[2] = {0, 0};
  glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
  glGetIntegerv(GL_MAX_VIEWPORT_DIMS, max_viewport);
  const int height = static_cast<int>(std::ceil(c.layout.content_height));
  const int band = std::min({4096, static_cast<int>(max_size), static_cast<int>(max_viewport[1])});
  // A 2D canvas (which encodes the PNG) takes at most 32767 pixels a side.
  constexpr int kMaxPictureHeight = 32767;
  const float scroll = c.layout.scroll_y;
  GLuint fbo = 0, color = 0;
  glGenFramebuffers(1, &fbo);
  glGenRenderbuffers(1, &color);
  glBindRenderbuffer(GL_RENDERBUFFER, color);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, band);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
  if (height > 0 && height <= kMaxPictureHeight && band > 0 &&
      glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) {
    layout_ui(c, width, height, true);
    const std::size_t row = static_cast<std::size_t>(width) * 4;
    std::vector<unsigned char> pixels(row * static_cast<std::size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    for (int top = 0; top < height; top += band) {
      const int rows = std::min(band, height - top);
      draw_rows(c, width, top, rows);
      // GL reads bottom-up, and the picture is kept bottom-up too: this
      // band's last row lands `height - top - rows` rows from the bottom.
      glReadPixels(0, 0, width, rows, GL_RGBA, GL_UNSIGNED_BYTE,
                   pixels.data() + row * static_cast<std::size_t>(height - top - rows));
    }
    save_pixels_png("bloatmeter-result.png", pixels.data(), width, height);
    notify("Picture saved.");
  } else {
    notify("The picture could not be made on this device.");
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteFramebuffers(1, &fbo);
  glDeleteRenderbuffers(1, &color);
  c.layout.restore_scroll_y = scroll;  // the picture's frame scrolled to the top
}

// The page's text fields follow the frames the view drew for them.
void sync_page_fields(Client& c, float dpr) {
  const auto& f = c.layout.fields;
  if (!(f.key == c.last_fields.key)) place_dom_field("operator-key", f.key, dpr);
  if (!(f.search == c.last_fields.search)) place_dom_field("operator-search", f.search, dpr);
  c.last_fields = f;
}

// The operator view's buttons, and the fleet's servers on the start
// screen, as the page's accessible twins.
void sync_page_controls(Client& c) {
  std::vector<DomControl> controls;
  c.control_actions.clear();
  if (c.state.screen == Screen::Operator)
    for (auto& oc : operator_controls(c.state.operator_state)) {
      controls.push_back({std::move(oc.label), oc.pressed});
      c.control_actions.push_back({std::move(oc.action)});
    }
  const ServerChoice& servers = c.state.servers;
  if (c.state.screen == Screen::Start && servers.list.servers.size() > 1 && !servers.measuring()) {
    controls.push_back({"Show every test server", servers.open});
    c.control_actions.push_back({{}, -1, true});
    for (std::size_t i = 0; i < servers.list.servers.size(); ++i) {
      controls.push_back({"Use " + describe_listed_server(servers, i), static_cast<int>(i) == servers.chosen});
      c.control_actions.push_back({{}, static_cast<int>(i)});
    }
  }
  if (controls != c.last_controls) {
    set_dom_controls(controls);
    c.last_controls = std::move(controls);
  }
}

void frame() {
  Client& c = *g_client;
  on_timer(nullptr);  // frames also advance the test (timers may be throttled)
  const CanvasSize size = sync_canvas_size();
  if (!should_draw(c, size)) return;
  if (size.device_pixel_ratio != c.theme.scale) apply_theme(c.theme, size.device_pixel_ratio);
  const int fb_w = static_cast<int>(size.css_width * size.device_pixel_ratio);
  const int fb_h = static_cast<int>(size.css_height * size.device_pixel_ratio);
  // No glfwSetWindowSize here: Emscripten's GLFW turns a size equal to the
  // screen into a fullscreen + pointer-lock request. The canvas is sized by
  // sync_canvas_size() and ImGui's display size is set by render_ui().
  if (c.picture_requested) {
    // This frame draws the picture; the canvas keeps its last frame.
    c.picture_requested = false;
    c.busy_frames = 4;
    return save_page_picture(c, fb_w);
  }
  if (!c.state.notice.empty() && emscripten_get_now() > c.state.notice_until_ms) c.state.notice.clear();
  OperatorAction operator_action;
  const Action action = render_ui(c, fb_w, fb_h, false, &operator_action);
  sync_page_fields(c, size.device_pixel_ratio);
  const bool pointer = ImGui::GetMouseCursor() == ImGuiMouseCursor_Hand || ImGui::IsAnyItemHovered();
  if (pointer != c.pointer_cursor) {
    js_set_cursor(pointer ? 1 : 0);
    c.pointer_cursor = pointer;
  }
  handle(action);
  handle_operator(operator_action);
  if (c.layout.picked_server >= 0) pick_server(std::exchange(c.layout.picked_server, -1));
  if (c.pending_server >= 0) pick_server(std::exchange(c.pending_server, -1));
  if (c.pending_action != Action::None) {
    const Action a = c.pending_action;
    c.pending_action = Action::None;
    if (a != Action::Start || c.state.screen != Screen::Running) handle(a);
  }
  if (c.pending_operator.kind != OperatorAction::Kind::None) handle_operator(std::exchange(c.pending_operator, {}));
  sync_page_controls(c);

  const std::string mirror = mirror_text(c.state, Shells{c.shell, c.household});
  if (mirror != c.last_mirror) {
    set_dom_mirror(mirror);
    c.last_mirror = mirror;
  }
  const std::string ps = page_state();
  if (ps != c.last_page_state) {
    set_page_state(ps);
    c.last_page_state = ps;
  }
}

}  // namespace

// Called by the page (file picker, drag and drop) with a result file's text.
extern "C" EMSCRIPTEN_KEEPALIVE void bm_open_result_text(const char* text) {
  if (!g_client || g_client->state.screen == Screen::Running) return;
  auto parsed = parse_result(text ? text : "");
  if (!parsed) {
    g_client->state.screen = Screen::Start;
    g_client->state.shown.reset();
    g_client->state.error = "That file is not a readable bloatmeter result: " + parsed.error() + ".";
    return;
  }
  show_result(std::move(parsed.value()), true);
}

// Called by the view's accessible buttons (#view-controls) with the index
// of the one pressed.
extern "C" EMSCRIPTEN_KEEPALIVE void bm_view_control(int index) {
  if (!g_client || index < 0 || index >= static_cast<int>(g_client->control_actions.size())) return;
  const auto& control = g_client->control_actions[static_cast<std::size_t>(index)];
  if (control.toggle_servers) g_client->pending_action = Action::ToggleServers;
  else if (control.server >= 0) g_client->pending_server = control.server;
  else g_client->pending_operator = control.op;
}

// Called by the page when Enter is pressed in one of its text fields.
extern "C" EMSCRIPTEN_KEEPALIVE void bm_field_enter(const char* id) {
  if (!g_client || !id) return;
  const std::string field = id;
  if (field == "operator-key") g_client->pending_operator = OperatorAction(OperatorAction::Kind::SignIn);
  else if (field == "operator-search") g_client->pending_operator = OperatorAction(OperatorAction::Kind::Search);
}

// Called by the page when the address's "#..." changes (/#operator typed
// into the address bar of an open page, or the browser's back button).
extern "C" EMSCRIPTEN_KEEPALIVE void bm_hash_changed() {
  if (!g_client) return;
  if (page_hash() == "#operator") enter_operator();
  else if (g_client->state.screen == Screen::Operator) g_client->state.screen = Screen::Start;
}

// Called by the page's accessible buttons (web/index.html) with an Action.
extern "C" EMSCRIPTEN_KEEPALIVE void bm_action(int action) {
  if (!g_client || action <= 0 || action > kLastAction) return;
  g_client->pending_action = static_cast<Action>(action);
}

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
  // The GLFW backend would set the cursor mode every frame, which in a
  // browser means exitPointerLock() each frame (and errors); the page sets
  // the CSS cursor itself instead.
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  ImGui_ImplGlfw_InitForOpenGL(client.window, true);
  glfwSetScrollCallback(client.window, on_scroll);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  install_touch_input();
  apply_theme(client.theme, size.device_pixel_ratio);

  if (served_over_http()) {
    if (url_param("mode") == "household") client.state.mode = TestMode::Household;
    client.state.greedy = url_param("greedy") == "1";
    // A fleet's page first learns its servers (server_choice.hpp): stored
    // results and the operator's API live on the telemetry home, tests run
    // on the nearest server once it is measured.
    load_server_list(
        client.state,
        [] {
          AppState& s = g_client->state;
          s.operator_state.api_base = home_url(s.servers, "");
          if (page_hash() == "#operator") enter_operator();
          else if (const std::string shared = url_param("result"); !shared.empty()) open_stored_result(shared, false);
        },
        [] {
          ask_test_server();
          if (page_hash() != "#operator" && url_param("result").empty() && url_param("autostart") == "1") start_test();
        });
  } else {
    // Opened from disk: no server, but saved results still replay.
    client.state.health.status = ServerHealth::Status::Unreachable;
    client.state.health.error = "this page was opened from a file, without a test server";
  }
  emscripten_set_interval(on_timer, 5, nullptr);
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
