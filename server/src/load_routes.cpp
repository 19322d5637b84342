#include "load_routes.hpp"

#include <charconv>

#include "bloatmeter/upload_report.hpp"
#include "pool_body.hpp"
#include "responses.hpp"
#include "url_path.hpp"

namespace bloatmeter::server {

Response download(const Request& req, ServerContext& ctx) {
  std::uint64_t bytes = kMaxDownloadBytes;
  if (const auto text = query_param(target_query(req.target()), "bytes")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), bytes);
    if (ec != std::errc{} || end != text->data() + text->size() || bytes > kMaxDownloadBytes)
      return error_response(http::status::bad_request, "bytes must be an integer from 0 to 1073741824", req);
  }
  http::response<PoolBody> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/octet-stream");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = {&ctx.pool, bytes};
  res.prepare_payload();  // Content-Length: the client knows when it is done
  return res;
}

Response upload_report(const http::request_header<>& req, std::uint64_t bytes,
                                      std::chrono::steady_clock::duration took) {
  const auto ms = std::chrono::duration<double, std::milli>(took).count();
  Request head(req);
  return json_response(http::status::ok, upload_answer_json(bytes, ms, steady_now_us()), head);
}

}  // namespace bloatmeter::server
