#include "origin_policy.hpp"

#include <algorithm>

namespace bloatmeter::server {

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
