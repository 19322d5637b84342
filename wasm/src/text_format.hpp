#pragma once
// printf into a std::string, for the figures the views write (one line of
// text at most).
#include <cstdarg>
#include <cstdio>
#include <string>

namespace bloatmeter::web {

inline std::string strf(const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

}  // namespace bloatmeter::web
