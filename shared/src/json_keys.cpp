#include "json_keys.hpp"

#include <algorithm>

#include "bloatmeter/utf8.hpp"

namespace bloatmeter::detail {

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string shown_value(std::string_view s) {
  if (s.size() > 80 || !is_valid_utf8(s) || has_control(s)) return "(not shown)";
  return "'" + std::string(s) + "'";
}

void only_keys(const JsonReader& in, std::initializer_list<std::string_view> keys) {
  if (!in.node().is_object()) throw JsonFieldError((in.path().empty() ? std::string("document") : in.path()) + ": expected an object");
  for (const auto& item : in.node().items())
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) {
      std::string known;
      for (const auto k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
      in.fail(shown_value(item.key()), "unknown key (known: " + known + ")");
    }
}

}  // namespace bloatmeter::detail
