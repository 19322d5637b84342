#include "server_url.hpp"

#include <algorithm>
#include <cctype>

namespace bloatmeter::cli {

namespace {
bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }
}  // namespace

std::string ServerUrl::host_header() const {
  const bool default_port = port == (secure ? "443" : "80");
  return bracketed(host) + (default_port ? "" : ":" + port);
}

std::string ServerUrl::origin() const { return std::string(secure ? "https://" : "http://") + bracketed(host) + ":" + port; }

std::optional<ServerUrl> parse_server_url(const std::string& text, std::string& error) {
  ServerUrl u;
  std::string rest;
  if (text.rfind("http://", 0) == 0) rest = text.substr(7);
  else if (text.rfind("https://", 0) == 0) { u.secure = true; rest = text.substr(8); }
  else {
    error = "the server URL must start with http:// or https:// (got '" + text + "')";
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    if (rest.find_first_not_of('/', slash) != std::string::npos) {
      error = "the server URL must not have a path (got '" + text + "'): the test's paths are fixed";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      error = "unclosed '[' in the server URL";
      return std::nullopt;
    }
    u.host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        error = "unexpected text after the IPv6 address in the server URL";
        return std::nullopt;
      }
      port = after.substr(1);
    }
  } else {
    const auto colon = rest.find(':');
    u.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (u.host.empty() || u.host.find_first_of(" @?#") != std::string::npos) {
    error = "the server URL has no valid host (got '" + text + "')";
    return std::nullopt;
  }
  if (port.empty()) port = u.secure ? "443" : "80";
  if (!all_digits(port) || port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    error = "the server URL's port must be a number from 1 to 65535 (got '" + port + "')";
    return std::nullopt;
  }
  u.port = port;
  return u;
}

}  // namespace bloatmeter::cli
