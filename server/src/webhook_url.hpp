#pragma once
// Where webhook events go, from the configured webhook_url:
// http(s)://host[:port][/path][?query] (IPv6 literals in brackets; the
// fragment, never sent, is dropped).
#include <string>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::server {

struct WebhookTarget {
  bool tls = false;
  std::string host;         // without brackets: what is resolved, verified and sent as SNI
  std::string port;         // the scheme's default when the URL has none
  std::string target;       // the request target: path and query, "/" at least
  std::string host_header;  // host (bracketed for IPv6) and port when not the default
};

Outcome<WebhookTarget> parse_webhook_url(const std::string& url);

}  // namespace bloatmeter::server
