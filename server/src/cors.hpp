#pragma once
// Cross-origin reads, for a fleet (docs/deploy.md, "A fleet"): the page is
// served from one origin and measures, tests against and stores results on
// servers of other origins. A browser lets that page read an answer only
// when the answer names the page's origin (Access-Control-Allow-Origin).
// Only origins listed by name in allowed_origins get that: "*" still lets
// any page open test lanes, but never read answers, and no answer is ever
// readable with credentials (the API takes none from browsers).
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace bloatmeter::server {

// What a response tells the browser about cross-origin reading.
struct CorsAnswer {
  std::string allow_origin;  // echoed Origin, or empty: not readable cross-origin
  bool vary = false;         // the answer depends on Origin (Vary: Origin)
};

// allowed_origins without "*": the origins that may read answers.
std::vector<std::string> cors_origins_of(const std::vector<std::string>& allowed_origins);

// The paths a page of another origin uses: the API, /ping and the load
// endpoints. Never the static site or /metrics.
bool is_cross_origin_path(std::string_view path);

// For any request: its normalized Origin when that is listed and the path
// is one of the above.
CorsAnswer cors_answer(const Request& req, const std::vector<std::string>& cors_origins);

// An OPTIONS request with Access-Control-Request-Method (a browser asking
// before a POST with a JSON body or a GET with an Authorization header).
bool is_preflight(const Request& req);

// 204 with the methods and headers the API takes, for a listed origin on a
// cross-origin path; 403 otherwise. The origin itself is stamped by
// finish_response from cors_answer, as on every other answer.
http::response<http::string_body> preflight_response(const Request& req, const std::vector<std::string>& cors_origins);

}  // namespace bloatmeter::server
