#pragma once
// The server a native test runs against, from the URL a person types:
// http://host[:port][/] or https://host[:port][/] (IPv6 literals in
// brackets). WebSocket paths are built from it.
#include <optional>
#include <string>

namespace bloatmeter::cli {

struct ServerUrl {
  bool secure = false;
  std::string host;  // without brackets
  std::string port;  // always set: the scheme's default when absent
  // The Host header: host (bracketed for IPv6) and port when not default.
  std::string host_header() const;
  // For messages and the result file: scheme://host:port
  std::string origin() const;
};

// Parses `text`; on failure returns nothing and sets `error` to why.
std::optional<ServerUrl> parse_server_url(const std::string& text, std::string& error);

}  // namespace bloatmeter::cli
