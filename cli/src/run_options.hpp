#pragma once
// The options `bloatmeter test` and `bloatmeter household` share, parsed in
// one place: URL [--plan NAME] [--json FILE] [--submit] [--no-udp] [--insecure] [--help], and
// --greedy where the command takes it.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bloatmeter::cli {

struct RunOptions {
  std::string url;
  std::string plan = "standard";
  std::string json_file;
  bool greedy = false;
  bool insecure = false;
  bool submit = false;  // --submit: hand the result to the server's operator
  bool udp = true;      // --no-udp: no UDP series (the result says it was off)
  bool help = false;
};

// `command` names the command in the hint for a missing URL; `allow_greedy`
// accepts --greedy. Nothing and a reason in `error` for bad arguments.
std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, const char* command,
                                            bool allow_greedy, std::string& error);

// A wall-clock time as ISO 8601, UTC, with milliseconds (meta.started_at).
std::string iso_utc_ms(std::chrono::system_clock::time_point t);

}  // namespace bloatmeter::cli
