#pragma once
// `bloatmeter report FILE...`: recomputes and prints the summary of result
// files, or a comparison table for several.
#include <iosfwd>
#include <string>
#include <vector>

namespace bloatmeter::cli {

// Returns the process exit code (exit_codes.hpp).
int run_report(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
