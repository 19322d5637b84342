#pragma once
// HTTP load endpoints (the seed's forms): /download streams pool bytes,
// /upload is counted by the session and answered here.
#include <chrono>
#include <cstdint>

#include "http_types.hpp"
#include "responses.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

inline constexpr std::uint64_t kMaxDownloadBytes = std::uint64_t{1} << 30;

// GET /download[?bytes=N]
Response download(const Request& req, ServerContext& ctx);

// The answer to POST /upload once its body has been counted.
Response upload_report(const http::request_header<>& req, std::uint64_t bytes,
                                      std::chrono::steady_clock::duration took);

}  // namespace bloatmeter::server
