#pragma once
#include "app_state.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// Charts and boxes for a result, built once (not every frame).
ResultViewModel prepare_result_view(const Result& r, const Palette& palette);

// The results screen for `shown`, in a column `width` wide.
Action draw_results(const ShownResult& shown, const Theme& theme, float width);

// The colour a grade is shown in.
ImVec4 grade_color(const Palette& p, Grade g);

// Plain-language account of a result, for the DOM mirror.
std::string describe_result(const ShownResult& shown);

}  // namespace bloatmeter::web
