#include "bloatmeter/web_origin.hpp"

#include <algorithm>
#include <cctype>

#include "bloatmeter/ascii_lower.hpp"

namespace bloatmeter {
namespace {

bool authority_chars(std::string_view a) {
  if (a.empty()) return false;
  return std::all_of(a.begin(), a.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

std::string websocket_origin(std::string_view http_origin) {
  if (http_origin.starts_with("https:")) return "wss:" + std::string(http_origin.substr(6));
  if (http_origin.starts_with("http:")) return "ws:" + std::string(http_origin.substr(5));
  return std::string(http_origin);
}

std::string authority_without_default_port(std::string_view authority, std::string_view scheme) {
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  std::string a = ascii_lower(authority);
  if (a.size() > default_port.size() && a.ends_with(default_port) && a[a.size() - default_port.size() - 1] != ':')
    a.resize(a.size() - default_port.size());
  return a;
}

std::optional<std::string> normalized_origin(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const auto scheme = ascii_lower(text.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto authority = text.substr(sep + 3);
  if (!authority_chars(authority)) return std::nullopt;
  return scheme + "://" + authority_without_default_port(authority, scheme);
}

}  // namespace bloatmeter
