#pragma once
// The page's real text fields (web/index.html), laid over the canvas where
// a view drew a field's frame (text_field_frame): phones open their
// keyboard for them, and paste, password managers and screen readers work
// as on any page, which a field drawn by ImGui would not.
#include <string>

#include "widgets.hpp"

namespace bloatmeter::web {

// Shows the field `id` over `rect` (device pixels), or hides it.
void place_dom_field(const char* id, const FieldRect& rect, float device_pixel_ratio);
std::string dom_field_value(const char* id);
void clear_dom_field(const char* id);
// Takes the focus from any field (closes a phone's keyboard).
void blur_dom_fields();

}  // namespace bloatmeter::web
