#pragma once
// The options `bloatmeter test` and `bloatmeter household` share, parsed in
// one place: URL [--plan NAME] [--json FILE] [--submit] [--no-udp] [--insecure] [--help], and
// --greedy, -4, -6 and --flent where the command takes them.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/rrul_marking.hpp"

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
  // RRUL only: -4 / -6 (one address family; both by default), --flent FILE.
  std::optional<IpFamily> family;
  std::string flent_file;
  std::optional<int> pace_mbps;  // --pace-mbps N: each load flow capped
};

// Which of the options beyond the common ones a command takes.
struct OptionSet {
  bool greedy = false;  // --greedy (household)
  bool rrul = false;    // -4, -6, --flent, --pace-mbps (rrul); --no-udp is not offered
};

// A command's usage text (its own lines, up to its last option of its own)
// followed by the lines of the options `test` and `household` share
// (--json, --no-udp, --submit, --insecure, --help) and their closing
// paragraph on Ctrl-C and exit codes.
std::string usage_with_shared_options(const char* own_lines);

// `command` names the command in the hint for a missing URL; `allow_greedy`
// accepts --greedy. Nothing and a reason in `error` for bad arguments.
std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, const char* command,
                                            OptionSet allowed, std::string& error);

// A wall-clock time as ISO 8601, UTC, with milliseconds (meta.started_at).
std::string iso_utc_ms(std::chrono::system_clock::time_point t);

}  // namespace bloatmeter::cli
