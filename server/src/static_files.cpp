#include "static_files.hpp"

#include <array>
#include <utility>

#include "responses.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {
namespace fs = std::filesystem;

namespace {
struct MimeEntry {
  std::string_view ext;
  std::string_view type;
};
constexpr std::array<MimeEntry, 17> kMime = {{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".svg", "image/svg+xml"},
    {".ico", "image/vnd.microsoft.icon"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char a = s[s.size() - suffix.size() + i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != suffix[i]) return false;
  }
  return true;
}

std::string entity_tag(std::uintmax_t size, fs::file_time_type mtime) {
  const auto ticks = static_cast<std::uint64_t>(mtime.time_since_epoch().count());
  // Appended piece by piece: GCC 12 warns falsely (-Wstringop-overflow) on
  // `"literal" + std::string` here.
  std::string tag = "\"";
  tag += std::to_string(size);
  tag += '-';
  tag += std::to_string(ticks);
  tag += '"';
  return tag;
}

template <class Body>
void set_file_headers(http::response<Body>& res, std::string_view rel, const std::string& etag) {
  res.set(http::field::content_type, mime_type(rel));
  res.set(http::field::cache_control, cache_control_for(rel));
  res.set(http::field::etag, etag);
}
}  // namespace

std::string_view mime_type(std::string_view path) {
  for (const auto& m : kMime)
    if (ends_with_ci(path, m.ext)) return m.type;
  return "application/octet-stream";
}

std::string_view cache_control_for(std::string_view path) {
  for (auto ext : {".ttf", ".otf", ".woff2", ".png", ".jpg", ".svg", ".ico"})
    if (ends_with_ci(path, ext)) return "public, max-age=86400";
  return "no-cache";
}

Response serve_static(const Request& req, const fs::path& root) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return method_not_allowed("GET, HEAD", req);
  }
  const auto decoded = percent_decode(target_path(req.target()));
  if (!decoded) return error_response(http::status::bad_request, "malformed path", req);
  const auto rel = safe_relative_path(*decoded);
  if (!rel) return error_response(http::status::bad_request, "invalid path", req);

  std::error_code ec;
  fs::path full = root / *rel;
  if (fs::is_directory(full, ec)) full /= "index.html";
  // Second guard: whatever the path says, the file must resolve inside the
  // root (a symlink pointing out of it is not served).
  const auto canonical = fs::weakly_canonical(full, ec);
  const auto root_prefix = root.string() + "/";
  if (ec || canonical.string().compare(0, root_prefix.size(), root_prefix) != 0)
    return error_response(http::status::not_found, "not found", req);
  return serve_file(req, canonical);
}

Response serve_file(const Request& req, const fs::path& canonical) {
  std::error_code ec;
  if (!fs::is_regular_file(canonical, ec)) return error_response(http::status::not_found, "not found", req);
  const auto size = fs::file_size(canonical, ec);
  if (ec) return error_response(http::status::not_found, "not found", req);
  const auto mtime = fs::last_write_time(canonical, ec);
  const auto etag = entity_tag(size, mtime);
  const auto name = canonical.filename().string();

  if (req[http::field::if_none_match] == etag) {
    http::response<http::empty_body> res{http::status::not_modified, req.version()};
    set_file_headers(res, name, etag);
    res.keep_alive(req.keep_alive());
    return res;
  }
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    set_file_headers(res, name, etag);
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    return res;
  }
  beast::error_code bec;
  http::file_body::value_type body;
  body.open(canonical.c_str(), beast::file_mode::scan, bec);
  if (bec) return error_response(http::status::not_found, "not found", req);
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  set_file_headers(res, name, etag);
  res.content_length(size);
  res.keep_alive(req.keep_alive());
  return res;
}

}  // namespace bloatmeter::server
