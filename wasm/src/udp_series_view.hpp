#pragma once
// A native client's UDP series on the results screen (docs/method.md §3):
// loss and one-way delay each way, in a section of its own, never among
// the latency figures, never graded. Browser results have none; a replayed
// native file shows it.
#include <string>

#include "bloatmeter/result.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// The section (nothing without a UDP series), in a column `width` wide.
void draw_udp_series(const Result& result, const Theme& theme, float width);
// The same for the DOM mirror: " Over UDP, not graded: ..." (with a
// leading space), or "" without a UDP series.
std::string udp_sentence(const Result& result);

}  // namespace bloatmeter::web
