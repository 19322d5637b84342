// Request targets and Origin headers come straight from the network. The
// static site resolves target_path -> percent_decode -> safe_relative_path
// below its web root; routes read query parameters; POSTs and WebSocket
// upgrades compare normalized origins.
//
// Invariants: the path and query are the pieces of the target around '?'
// and '#'; decoding never grows the text and never decodes to NUL; a safe
// relative path has no '.', '..' or empty segment, no backslash or NUL, is
// not absolute, and stays below the root when joined to it; a normalized
// origin is lower-case scheme://authority with nothing a header could not
// carry.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "origin_policy.hpp"
#include "url_path.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_url_path: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void check_relative_path(std::string_view decoded) {
  const auto rel = bloatmeter::server::safe_relative_path(decoded);
  if (!rel) return;
  const std::string& r = *rel;
  if (r.empty() || r.front() == '/') fail("relative path empty or absolute", r);
  if (r.find('\\') != std::string::npos || r.find('\0') != std::string::npos) fail("backslash or NUL kept", r);
  std::string_view rest = r;
  while (true) {
    const auto slash = rest.find('/');
    const auto seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") fail("empty, '.' or '..' segment", r);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  const std::filesystem::path root("/srv/web");
  const auto joined = (root / r).lexically_normal();
  const auto inside = joined.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") fail("joined path leaves the root", joined.string());
}

void check_origin(std::string_view text) {
  const auto origin = bloatmeter::server::normalized_origin(text);
  if (!origin) return;
  const std::string& o = *origin;
  if (!o.starts_with("http://") && !o.starts_with("https://")) fail("origin with another scheme", o);
  for (unsigned char c : o)
    if (c < 0x21 || c >= 0x7f || (c >= 'A' && c <= 'Z')) fail("origin with a byte a header cannot carry, or upper case", o);
  if (o.size() > text.size()) fail("normalizing grew the origin", o);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bloatmeter::server;
  const std::string_view target(reinterpret_cast<const char*>(data), size);

  const auto path = target_path(target);
  const auto query = target_query(target);
  if (target.substr(0, path.size()) != path) fail("path is not the target's start", target);
  if (path.find_first_of("?#") != std::string_view::npos) fail("path holds '?' or '#'", path);
  if (query.find('#') != std::string_view::npos) fail("query holds '#'", query);
  if (!query.empty() && target.find(query) == std::string_view::npos) fail("query not in the target", target);

  if (const auto decoded = percent_decode(path)) {
    if (decoded->size() > path.size()) fail("decoding grew the text", path);
    // An encoded NUL is refused; a raw one passes (safe_relative_path refuses it).
    if (decoded->find('\0') != std::string::npos && path.find('\0') == std::string_view::npos)
      fail("decoding produced NUL", path);
    check_relative_path(*decoded);
  }
  check_relative_path(target);  // undecoded bytes too: anything may reach it

  // Query parameters the routes read, and the first one the input names.
  for (const std::string_view name : {"bytes", "greedy", "streams", ""}) (void)query_param(query, name);
  const auto eq = query.find('=');
  if (eq != std::string_view::npos) {
    const auto name = query.substr(0, eq);
    if (name.find('&') == std::string_view::npos && !query_param(query, name) &&
        percent_decode(query.substr(eq + 1, query.find('&') == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : query.find('&') - eq - 1)))
      fail("a parameter that decodes was not found", query);
  }

  check_origin(target);
  return 0;
}
