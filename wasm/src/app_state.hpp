#pragma once
// The browser client's state: plain structs, drawn each frame by the view.
// Nothing here knows about ImGui or the browser.
#include <string>

namespace bloatmeter::web {

struct ServerHealth {
  enum class Status { Loading, Ok, Unreachable };
  Status status = Status::Loading;
  std::string version;
  double uptime_seconds = 0;
  int active_connections = 0;
  std::string error;  // why it is unreachable, in words
};

struct AppState {
  ServerHealth health;
  bool first_frame_drawn = false;
};

}  // namespace bloatmeter::web
