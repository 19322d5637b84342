#pragma once
// An RRUL result replayed in the browser (docs/method.md §15; the browser
// cannot run the test itself: it sends no UDP and marks no packet). Its
// scores, validity, the "graphic equalizer" of every class and family
// (delay rise, jitter, loss, slew, marking), the round trips and every
// class's throughput over time with the discarded PowerBoost span shaded
// apart, and the penalties. results_view.cpp hands every RRUL result here.
#include <string>

#include "app_state.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

bool is_rrul(const Result& r);

// The charts, built once from the raw samples.
ResultViewModel prepare_rrul_view(const Result& r, const Palette& palette);

Action draw_rrul_results(const ShownResult& shown, const Theme& theme, float width);

// Plain sentences for the DOM mirror: the scores, validity, per class
// figures, penalties.
std::string describe_rrul_result(const ShownResult& shown);

}  // namespace bloatmeter::web
