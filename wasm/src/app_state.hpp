#pragma once
// The browser client's state: plain structs, drawn each frame by the views.
// Nothing here knows about ImGui or the browser.
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/result.hpp"
#include "bloatmeter/server_list.hpp"
#include "charts.hpp"
#include "operator_state.hpp"

namespace bloatmeter::web {

struct ServerHealth {
  enum class Status { Loading, Ok, Unreachable };
  Status status = Status::Loading;
  std::string version;
  double uptime_seconds = 0;
  int active_connections = 0;
  bool restarting = false;  // it drains before a restart: no new test starts
  std::string error;  // why it is unreachable, in words
  std::string asked;  // the URL asked last: an answer from another (a server picked before) is dropped
};

// A fleet's servers (servers.json) and the one the tests run against
// (server_choice.hpp). No list: the page's own server.
struct ServerChoice {
  ServerList list;                            // in the file's order
  std::vector<std::optional<double>> rtt_ms;  // per listed server: the least of its /ping round trips
  int answers = 0;                            // servers measured so far (answered or not)
  int chosen = -1;                            // index in list.servers; -1 while measuring, or without a list
  // Until every listed server has answered or not.
  bool measuring() const { return answers < static_cast<int>(rtt_ms.size()); }
  bool picked = false;                        // by the visitor or the link, not by round trip
  bool open = false;                          // the start screen shows every server to pick from
};

struct Sponsor {
  std::string name, url, city;
  std::string asked;  // as ServerHealth::asked
};

// What the results view shows, prepared once from a Result.
struct ResultViewModel {
  TimeChart latency{"latency"};
  TimeChart throughput{"throughput"};  // RRUL: the download per class
  TimeChart upload{"upload"};          // RRUL only: the upload per class
  TimeChart latency_cdf{"latency-cdf"};  // RRUL only: round trips' CDF per class (x in ms, y in %)
  std::vector<BoxStats> boxes;
  // Household results only: each user's charts, in the summary's user
  // order (household_results_view.cpp builds them).
  struct UserCharts {
    TimeChart latency{"user-latency"};
    TimeChart throughput{"user-throughput"};
  };
  std::vector<UserCharts> users;
};

// Operator: the operator view (/#operator), its key prompt or dashboard.
enum class Screen { Start, Running, Results, Operator };

// Which test Start runs.
enum class TestMode { SingleUser, Household };

// A finished (or aborted, or replayed) result and where it came from.
struct ShownResult {
  Result result;
  ResultViewModel view;
  bool replayed = false;          // opened from a file, recomputed locally
  std::string share_id;           // set once the server stored it
  std::string submit_error;       // why the server did not store it
  bool submitting = false;
  bool from_operator = false;     // opened from the operator view, which "back" returns to
};

// Buttons the views report; main acts on them (the views never do I/O).
// Numbered: the page's accessible buttons send these numbers (web/index.html).
enum class Action {
  None = 0, Start = 1, SaveFile = 2, CopyLink = 3, SavePng = 4, RunAgain = 5, OpenFile = 6, OpenSponsor = 7,
  ModeSingleUser = 8, ModeHousehold = 9, ToggleGreedy = 10, BackToOperator = 11, ToggleServers = 12,
};
inline constexpr int kLastAction = static_cast<int>(Action::ToggleServers);

struct AppState {
  ServerHealth health;
  ServerChoice servers;
  Sponsor sponsor;
  Screen screen = Screen::Start;
  TestMode mode = TestMode::SingleUser;
  bool greedy = false;  // household: the computer's download takes all it can
  std::optional<ShownResult> shown;
  std::string notice;  // a transient message ("Link copied")
  double notice_until_ms = 0;
  std::string error;   // a failure to show on the start screen
  bool first_frame_drawn = false;
  OperatorState operator_state;
};

}  // namespace bloatmeter::web
