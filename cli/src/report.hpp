#pragma once
// `bloatmeter report FILE...`: recomputes and prints the summary of result
// files, or a comparison table for several.
#include <iosfwd>
#include <string>
#include <vector>

#include "bloatmeter/result.hpp"

namespace bloatmeter::cli {

struct NamedResult {
  std::string title;  // the column's heading: a file name, "this test"
  Result result;      // with its summary recomputed
};

// The summary table: one row per figure, one column per result.
void print_table(const std::vector<NamedResult>& runs, std::ostream& out);

// The UDP series of one result, a line per phase (nothing without one):
// what the household's own report adds under its users.
void print_udp_series(const Result& result, std::ostream& out);

// Returns the process exit code (exit_codes.hpp).
int run_report(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
