#pragma once
// The fields a data file gives against the fields its reader knows. The
// readers of result files fill an absent optional field with a default and
// skip a key they do not know; for the built-in data either would let a
// typo change a test unnoticed.
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace bloatmeter::detail {

// The first key, depth first, that `given` has and `known` lacks or the
// reverse, as "path.key: why". `known` is the reader's own serialization
// of what it parsed from `given`; `written_only` are keys it writes for
// people but never reads (they count as unknown). "comment" is allowed in
// any object of `given`.
std::optional<std::string> first_field_mismatch(const nlohmann::json& given, const nlohmann::json& known,
                                                const std::string& path,
                                                const std::set<std::string>& written_only = {});

}  // namespace bloatmeter::detail
