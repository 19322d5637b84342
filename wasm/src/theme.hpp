#pragma once
// The client's look: palette, spacing, rounding, fonts. One place, so every
// view draws with the same vocabulary.
#include <imgui.h>

namespace bloatmeter::web {

struct Palette {
  ImVec4 background{0.059f, 0.082f, 0.129f, 1.0f};   // deep navy
  ImVec4 surface{0.098f, 0.133f, 0.200f, 1.0f};      // cards
  ImVec4 surface_hi{0.137f, 0.180f, 0.263f, 1.0f};   // hovered cards, tracks
  ImVec4 text{0.925f, 0.945f, 0.973f, 1.0f};
  ImVec4 text_muted{0.608f, 0.659f, 0.741f, 1.0f};
  ImVec4 accent{0.231f, 0.776f, 0.718f, 1.0f};       // teal: actions, download
  ImVec4 accent_hi{0.318f, 0.863f, 0.804f, 1.0f};
  ImVec4 upload{0.545f, 0.490f, 0.965f, 1.0f};       // violet: upload
  ImVec4 good{0.298f, 0.800f, 0.420f, 1.0f};
  ImVec4 warn{0.965f, 0.741f, 0.259f, 1.0f};
  ImVec4 bad{0.937f, 0.365f, 0.365f, 1.0f};
};

struct Fonts {
  ImFont* body = nullptr;     // running text
  ImFont* small = nullptr;    // captions, labels
  ImFont* heading = nullptr;  // section titles
  ImFont* display = nullptr;  // big figures
  ImFont* grade = nullptr;    // the grade letter, very large
};

struct Theme {
  Palette palette;
  Fonts fonts;
  float scale = 1.0f;  // device pixels per layout point
  float pt(float points) const { return points * scale; }
};

// Loads the bundled fonts at `scale` and applies the style. Safe to call
// again when the device pixel ratio changes.
void apply_theme(Theme& theme, float scale);

ImU32 to_u32(const ImVec4& c, float alpha = 1.0f);

}  // namespace bloatmeter::web
