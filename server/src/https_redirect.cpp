#include "https_redirect.hpp"

#include <string>

#include "responses.hpp"

namespace bloatmeter::server {
namespace {

// The host part of a Host header ("example.net:8080" -> "example.net",
// "[2001:db8::1]:80" -> "[2001:db8::1]"); "" when it is not a plain name or
// address (the header is the client's: it must not put anything else in
// the Location the server sends back).
std::string host_of(std::string_view header) {
  std::string_view host = header;
  if (host.starts_with('[')) {
    const auto end = host.find(']');
    if (end == std::string_view::npos) return {};
    host = host.substr(0, end + 1);
    for (const char c : host.substr(1, host.size() - 2))
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
        return {};
    return std::string(host);
  }
  host = host.substr(0, host.find(':'));
  if (host.empty() || host.size() > 253) return {};
  for (const char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
      return {};
  return std::string(host);
}

}  // namespace

http::response<http::string_body> redirect_to_https(const Request& req, std::uint16_t https_port) {
  const auto host = host_of(req[http::field::host]);
  if (host.empty()) return error_response(http::status::bad_request, "a Host header naming this server is needed", req);
  std::string location = "https://" + host;
  if (https_port != 443) location += ":" + std::to_string(https_port);
  const auto target = req.target();
  location += target.starts_with('/') ? std::string(target) : "/";
  http::response<http::string_body> res{http::status::moved_permanently, req.version()};
  res.set(http::field::location, location);
  res.set(http::field::content_type, "text/plain");
  res.keep_alive(req.keep_alive());
  res.body() = "This page is served over HTTPS: " + location + "\n";
  res.prepare_payload();
  return res;
}

}  // namespace bloatmeter::server
