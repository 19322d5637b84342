#include "cors.hpp"

#include <algorithm>

#include "origin_policy.hpp"
#include "responses.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {

std::vector<std::string> cors_origins_of(const std::vector<std::string>& allowed_origins) {
  std::vector<std::string> out;
  for (const auto& origin : allowed_origins)
    if (origin != "*") out.push_back(origin);
  return out;
}

bool is_cross_origin_path(std::string_view path) {
  return path.starts_with("/api/") || path == "/ping" || path == "/download" || path == "/upload";
}

CorsAnswer cors_answer(const Request& req, const std::vector<std::string>& cors_origins) {
  CorsAnswer answer;
  if (cors_origins.empty() || !is_cross_origin_path(target_path(req.target()))) return answer;
  answer.vary = true;
  const auto it = req.find(http::field::origin);
  if (it == req.end()) return answer;
  const auto origin = normalized_origin(it->value());
  if (origin && std::find(cors_origins.begin(), cors_origins.end(), *origin) != cors_origins.end())
    answer.allow_origin = *origin;
  return answer;
}

bool is_preflight(const Request& req) {
  return req.method() == http::verb::options && req.find(http::field::origin) != req.end() &&
         req.find(http::field::access_control_request_method) != req.end();
}

http::response<http::string_body> preflight_response(const Request& req, const std::vector<std::string>& cors_origins) {
  if (cors_answer(req, cors_origins).allow_origin.empty())
    return error_response(http::status::forbidden,
                          "this page's origin may not read this server's answers (list it in allowed_origins)", req);
  http::response<http::string_body> res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::field::access_control_allow_methods, "GET, HEAD, POST, DELETE");  // DELETE: a customer's erasure
  res.set(http::field::access_control_allow_headers, "Content-Type, Authorization, X-API-Key");
  res.set(http::field::access_control_max_age, "600");
  res.set(http::field::vary, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  res.prepare_payload();
  return res;
}

}  // namespace bloatmeter::server
