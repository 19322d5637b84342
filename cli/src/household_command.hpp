#pragma once
// `bloatmeter household URL`: the virtual household (method §4) from a
// terminal: a baseline on the probe lane, then four simulated users at
// once, each on its own WebSocket /ws/virtual-household/{user}.
#include <iosfwd>
#include <string>
#include <vector>

#include "bloatmeter/result.hpp"

namespace bloatmeter::cli {

// The household grade, fairness and every user's grade, deciding figure
// and sentence, from a recomputed household result.
void print_household(const Result& result, std::ostream& out);

int run_household(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bloatmeter::cli
