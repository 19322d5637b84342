#pragma once
#include <string>
#include <string_view>

namespace bloatmeter::server {

// Share ids: 128 bits from a CSPRNG as 32 lowercase hex characters, so an
// id cannot be guessed from another. Empty when the generator fails.
std::string new_result_id();

// Checked before any lookup: anything else is refused without touching
// the database.
bool is_result_id(std::string_view text);

}  // namespace bloatmeter::server
