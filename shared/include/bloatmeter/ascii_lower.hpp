#pragma once
// ASCII case folding, the same in every locale: for hosts and schemes
// (web_origin.hpp) and for names compared case aside (server_list.hpp).
#include <string>
#include <string_view>

namespace bloatmeter {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace bloatmeter
