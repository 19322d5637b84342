#include "acme_challenge.hpp"

#include <fstream>
#include <iterator>

#include "responses.hpp"

namespace bloatmeter::server {
namespace {
// A key authorization is a token, a dot and a thumbprint: well under this.
constexpr std::uintmax_t kMaxChallengeBytes = 4096;

bool is_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  for (const char c : token)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}
}  // namespace

http::response<http::string_body> acme_challenge(const Request& req, std::string_view token,
                                                 const std::filesystem::path& webroot) {
  if (!is_token(token)) return error_response(http::status::not_found, "no such challenge", req);
  const auto file = webroot / ".well-known" / "acme-challenge" / std::string(token);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxChallengeBytes) return error_response(http::status::not_found, "no such challenge", req);
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return error_response(http::status::not_found, "no such challenge", req);
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace bloatmeter::server
