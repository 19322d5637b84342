#pragma once
#include <string_view>

namespace bloatmeter {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF). Text that reaches JSON must pass: nlohmann_json throws
// when it serializes anything else.
bool is_valid_utf8(std::string_view text);

}  // namespace bloatmeter
