#pragma once
// Internal: a number in a sentence, printf-formatted ("%.0f", "%.1f").
#include <cstdio>
#include <string>

namespace bloatmeter::detail {

inline std::string figure_text(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace bloatmeter::detail
