#pragma once
// `bloatmeter test URL [--plan quick|standard] [--json FILE] [--insecure]`:
// the single-user test of the browser, natively, with the same shared core.
#include <iosfwd>
#include <string>
#include <vector>

namespace bloatmeter::cli {

// Returns the process exit code (exit_codes.hpp).
int run_single_user(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
