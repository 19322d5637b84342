#pragma once
#include <map>
#include <string>
#include <string_view>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter {

// Parses the seed's config format: one `key=value` a line, `#` comments
// (whole-line, or after whitespace outside quotes), blank lines ignored,
// values optionally in single or double quotes (quotes removed, `#` kept
// inside them). Keys are [A-Za-z0-9_.-]+. A malformed line is an error that
// names its line number; nothing is silently dropped.
Outcome<std::map<std::string, std::string>> parse_key_values(std::string_view text);

}  // namespace bloatmeter
