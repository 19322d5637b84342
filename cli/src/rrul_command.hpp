#pragma once
// `bloatmeter rrul URL [--plan quick|standard] [--json FILE] [--flent FILE]
// [-4|-6] [--submit] [--insecure]`: the Realtime Response Under Load test
// (docs/method.md §15) against a bloatmeter server, run by the core's
// RrulSession over this client's sockets.
#include <iosfwd>
#include <string>
#include <vector>

namespace bloatmeter::cli {

// Returns the process exit code (exit_codes.hpp).
int run_rrul(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
