#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter {

// Parses the seed's config format: one `key=value` a line, `#` comments
// (whole-line, or after whitespace outside quotes), blank lines ignored,
// values optionally in single or double quotes (quotes removed, `#` kept
// inside them). Keys are [A-Za-z0-9_.-]+. A malformed line is an error that
// names its line number; nothing is silently dropped.
// A repeated key keeps its last value.
Outcome<std::map<std::string, std::string>> parse_key_values(std::string_view text);

// The same format, each setting with the line it stands on (1-based), in
// file order, repeats included: for warnings that name the line.
struct KeyValueLine {
  std::string key;
  std::string value;
  std::size_t line = 0;
};
Outcome<std::vector<KeyValueLine>> parse_key_value_lines(std::string_view text);

}  // namespace bloatmeter
