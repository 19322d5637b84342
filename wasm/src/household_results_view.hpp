#pragma once
// The virtual household's results (method §4): the household grade, network
// fairness, one card per user (its grade, the figure that decided it, its
// own latency and throughput over time) and the thresholds each user was
// graded by. results_view.cpp hands every household result here.
#include <string>

#include "app_state.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// A result of the virtual household (meta.mode "household").
bool is_household(const Result& r);

// Each user's charts, built once from the raw samples.
ResultViewModel prepare_household_view(const Result& r, const Palette& palette);

// The household results screen, in a column `width` wide.
Action draw_household_results(const ShownResult& shown, const Theme& theme, float width);

// Plain sentences for the DOM mirror: the household grade, fairness, each
// user's grade and the figure that decided it.
std::string describe_household_result(const ShownResult& shown);

}  // namespace bloatmeter::web
