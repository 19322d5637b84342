#include "webhook_url.hpp"

namespace bloatmeter::server {

Outcome<WebhookTarget> parse_webhook_url(const std::string& url) {
  using R = Outcome<WebhookTarget>;
  WebhookTarget t;
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return R::failure("webhook_url must start with http:// or https://");
  t.tls = scheme == "https";
  std::string rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto path_start = rest.find_first_of("/?");
  const std::string authority = rest.substr(0, path_start);
  // A query without a path ("https://h?x=1") goes to "/?x=1".
  if (path_start == std::string::npos) t.target = "/";
  else t.target = std::string(rest[path_start] == '?' ? "/" : "") + rest.substr(path_start);

  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return R::failure("webhook_url: unclosed '[' in the host");
    t.host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return R::failure("webhook_url: unexpected text after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty() || t.host.find_first_of(" \t@/") != std::string::npos)
    return R::failure("webhook_url: no valid host in '" + url + "'");
  const std::string default_port = t.tls ? "443" : "80";
  if (port.empty()) port = default_port;
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
      std::stoi(port) > 65535)
    return R::failure("webhook_url: the port must be a number from 1 to 65535, got '" + port + "'");
  t.port = port;
  const std::string bracketed = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  t.host_header = port == default_port ? bracketed : bracketed + ":" + port;
  return R::success(std::move(t));
}

}  // namespace bloatmeter::server
