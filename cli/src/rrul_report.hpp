#pragma once
// An RRUL result as the terminal shows it (`bloatmeter rrul`, and `bloatmeter
// report` for an RRUL file): the score and its parts, validity, latency,
// jitter and loss per class each way, the load and its shares, what the
// path did to the markings, the web page, the penalties.
#include <iosfwd>

#include "bloatmeter/result.hpp"

namespace bloatmeter::cli {

// `result.summary.rrul` must be recomputed (nothing printed without it).
void print_rrul(const Result& result, std::ostream& out);

}  // namespace bloatmeter::cli
