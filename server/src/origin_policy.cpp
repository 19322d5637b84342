#include "origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace bloatmeter::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// host[:port] without the scheme's default port.
std::string authority_without_default_port(std::string_view authority, std::string_view scheme) {
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  std::string a = lower(authority);
  if (a.size() > default_port.size() && a.ends_with(default_port) && a[a.size() - default_port.size() - 1] != ':')
    a.resize(a.size() - default_port.size());
  return a;
}

bool authority_chars(std::string_view a) {
  if (a.empty()) return false;
  return std::all_of(a.begin(), a.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

std::optional<std::string> normalized_origin(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const auto scheme = lower(text.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto authority = text.substr(sep + 3);
  if (!authority_chars(authority)) return std::nullopt;
  return scheme + "://" + authority_without_default_port(authority, scheme);
}

bool origin_allowed(const Request& req, const std::vector<std::string>& allowed) {
  const auto it = req.find(http::field::origin);
  if (it == req.end()) return true;
  const auto origin = normalized_origin(it->value());
  if (!origin) return false;  // "null" (a file:// page, a sandboxed frame) or junk
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return true;
  if (std::find(allowed.begin(), allowed.end(), *origin) != allowed.end()) return true;
  const auto scheme = origin->substr(0, origin->find("://"));
  const auto authority = origin->substr(origin->find("://") + 3);
  return authority == authority_without_default_port(req[http::field::host], scheme);
}

}  // namespace bloatmeter::server
