#include "responses.hpp"

#include "bloatmeter/version.hpp"

namespace bloatmeter::server {
namespace {
http::response<http::string_body> json_body(http::status status, const nlohmann::json& body, unsigned version,
                                            bool keep_alive) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, std::string("bloatmeter/") + kVersion);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = body.dump();
  res.prepare_payload();
  return res;
}
}  // namespace

http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                const Request& req) {
  return json_body(status, body, req.version(), req.keep_alive());
}

http::response<http::string_body> error_response(http::status status, std::string_view message,
                                                 const Request& req) {
  return json_response(status, {{"error", message}, {"status", static_cast<int>(status)}}, req);
}

http::response<http::string_body> error_response_unparsed(http::status status, std::string_view message) {
  return json_body(status, {{"error", message}, {"status", static_cast<int>(status)}}, 11, false);
}

}  // namespace bloatmeter::server
