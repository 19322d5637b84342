#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "theme.hpp"

namespace bloatmeter::web {

// Charts and boxes for a result, built once (not every frame).
ResultViewModel prepare_result_view(const Result& r, const Palette& palette);

// The results screen for `shown`, in a column `width` wide.
Action draw_results(const ShownResult& shown, const Theme& theme, float width);

// The colour a grade is shown in.
ImVec4 grade_color(const Palette& p, Grade g);

// Pieces both result layouts (single user, household) share:
// the grade, large, beside `heading` and `meaning` (or "aborted"), with the
// low-confidence reasons under it;
void draw_grade_card(const ShownResult& shown, std::optional<Grade> grade, const std::string& heading,
                     const std::vector<std::string>& meaning, const Theme& theme, float width);
// a figure in a card with its caption and, when graded, a grade chip;
void metric_card(const char* id, const Theme& theme, float width, const char* title, const std::string& value,
                 const std::string& caption, std::optional<Grade> grade);
// the buttons under a result (run again, save, picture, share link).
Action draw_result_actions(const ShownResult& shown, const Theme& theme, float width);

// Why an aborted result stopped, as a sentence ("The test server restarted
// during the test; try again in a minute."); "" when it did not abort or
// recorded no reason.
std::string abort_sentence(const Result& r);

// Plain-language account of a result, for the DOM mirror.
std::string describe_result(const ShownResult& shown);
// Its ending, the same for both layouts: low-confidence reasons, the
// server's id, "Replayed from a file." (each with a leading space).
std::string describe_confidence_and_origin(const ShownResult& shown);

}  // namespace bloatmeter::web
