#pragma once
// Internal: strict key checks for data a person writes (a fleet's server
// list, the RRUL plans), where a typo must not pass as an absent key, and
// safe quoting of what such a person wrote back into an error.
#include <initializer_list>
#include <string>
#include <string_view>

#include "json_reader.hpp"

namespace bloatmeter::detail {

bool has_control(std::string_view s);

// A value quoted back in an error, when it is safe and short enough to show.
std::string shown_value(std::string_view s);

// Fails naming the first key of `in` that is not one of `keys`.
void only_keys(const JsonReader& in, std::initializer_list<std::string_view> keys);

}  // namespace bloatmeter::detail
