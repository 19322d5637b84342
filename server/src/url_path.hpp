#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bloatmeter::server {

// Splits a request target into path and query ("/a?b=1" -> "/a", "b=1").
std::string_view target_path(std::string_view target);
std::string_view target_query(std::string_view target);

// Percent-decodes a URL path. Returns nothing for malformed escapes or an
// encoded NUL, so they can be refused rather than guessed at.
std::optional<std::string> percent_decode(std::string_view in);

// A decoded path that is safe to resolve below a web root: starts with '/',
// no "." or ".." segment, no backslash, no NUL, no empty segment run that
// could hide a traversal. Returns the relative path ("index.html" for "/").
std::optional<std::string> safe_relative_path(std::string_view decoded);

// Value of one query parameter (undecoded beyond %XX), if present.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace bloatmeter::server
