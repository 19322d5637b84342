// Bytes from a client's connection, read as the HTTP session reads them
// (http_session.hpp): Beast's request parser with a 16 KiB header limit,
// then each route's body limit (at most 64 KiB here), requests one after
// another on a kept-alive connection; each parsed request goes to
// handle_request() as the session would send it there (not WebSocket
// upgrades, not POST /upload, not a POST from a foreign Origin), and its
// answer is finished (finish_response) and serialized as the session
// writes it.
//
// The server context is the default options' (no config), the web root a
// temporary folder with an index.html, a page below it, and a symlink to a
// file outside it; result storage is off, so result routes answer 503 at
// once. Every answer comes synchronously.
//
// Invariants: every request gets exactly one answer, never 500; every
// answer is a well-formed HTTP/1.x response carrying the security headers;
// an answer to HEAD has no body; a body is as long as its Content-Length;
// nothing outside the web root is ever served.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "origin_policy.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "server_context.hpp"
#include "server_options.hpp"

namespace {

using namespace bloatmeter::server;
namespace fs = std::filesystem;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // as http_session.hpp
constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr std::size_t kMaxRequestsPerInput = 16;
// A body longer than this (GET /download) is counted, not read to its end.
constexpr std::size_t kMaxSerializedBytes = 2 * 1024 * 1024;
constexpr std::string_view kOutsideSecret = "SECRET-OUTSIDE-THE-WEB-ROOT";

fs::path g_temp;
ServerContext* g_ctx = nullptr;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_http_request: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void write_file(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

void remove_temp() {
  std::error_code ec;
  if (!g_temp.empty()) fs::remove_all(g_temp, ec);
}

struct Serialized {
  std::string header;
  std::uint64_t body_bytes = 0;
  bool complete = true;
};

Serialized serialize(http::message_generator gen) {
  Serialized out;
  std::string head_and_body;
  std::uint64_t total = 0;
  beast::error_code ec;
  while (!gen.is_done()) {
    const auto buffers = gen.prepare(ec);
    if (ec) fail("serializing the answer failed", ec.message());
    const auto n = net::buffer_size(buffers);
    if (head_and_body.size() < 64 * 1024) head_and_body += beast::buffers_to_string(buffers);
    total += n;
    gen.consume(n);
    if (total > kMaxSerializedBytes) {
      out.complete = false;
      break;
    }
  }
  const auto end = head_and_body.find("\r\n\r\n");
  if (end == std::string::npos) fail("an answer without the end of its header", head_and_body);
  out.header = head_and_body.substr(0, end + 4);
  out.body_bytes = total - out.header.size();
  if (head_and_body.find(kOutsideSecret) != std::string::npos) fail("a file outside the web root was served", out.header);
  return out;
}

void check_answer(std::optional<Response>& answer, int replies, bool head, std::string_view target,
                  const CorsAnswer& cors) {
  if (replies != 1) fail(replies == 0 ? "a request got no answer" : "a request got several answers", target);
  const auto status = std::visit([](auto& r) { return r.result_int(); }, *answer);
  if (status == 500) fail("a request made a handler fail (500)", target);
  const auto declared = std::visit([](auto& r) -> std::optional<std::uint64_t> {
    const auto it = r.find(http::field::content_length);
    if (it == r.end()) return std::nullopt;
    return std::stoull(std::string(it->value()));
  }, *answer);
  const auto s = serialize(finish_response(std::move(*answer), g_ctx->plain_headers, head, cors));
  const auto acao = s.header.find("\r\nAccess-Control-Allow-Origin: ");
  if (acao != std::string::npos &&
      s.header.compare(acao, 56, "\r\nAccess-Control-Allow-Origin: https://www.example.net\r\n") != 0)
    fail("an answer readable by an origin that is not listed", s.header);
  if (!s.header.starts_with("HTTP/1.")) fail("an answer that is not HTTP/1.x", s.header);
  for (const auto* h : {"\r\nContent-Security-Policy: ", "\r\nX-Content-Type-Options: nosniff\r\n", "\r\nServer: "})
    if (s.header.find(h) == std::string::npos) fail("an answer without a security header", s.header);
  if (head && s.body_bytes != 0) fail("an answer to HEAD with a body", s.header);
  if (!head && s.complete && declared && *declared != s.body_bytes && status != 304)
    fail("a body whose length is not its Content-Length", s.header);
}

// One request already parsed: what the session does with it.
void dispatch(Request&& req) {
  const bool head = req.method() == http::verb::head;
  const std::string target(req.target());
  const auto cors = cors_answer(req, g_ctx->plain_headers.cors_origins);
  ClientInfo client{.ip = "192.0.2.7"};
  std::optional<Response> answer;
  int replies = 0;
  handle_request(std::move(req), *g_ctx, client, [&](Response r) {
    ++replies;
    answer = std::move(r);
  });
  check_answer(answer, replies, head, target, cors);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char pattern[] = "/tmp/bloatmeter-fuzz-http-XXXXXX";
  if (!::mkdtemp(pattern)) fail("mkdtemp", std::strerror(errno));
  g_temp = pattern;
  std::atexit(remove_temp);
  const auto root = g_temp / "web";
  fs::create_directories(root / "app");
  write_file(root / "index.html", "<!doctype html><title>bloatmeter</title>\n");
  write_file(root / "app" / "app.js", "console.log('bloatmeter');\n");
  write_file(root / "style.css", "body{}\n");
  write_file(g_temp / "outside.txt", kOutsideSecret);
  fs::create_symlink(g_temp / "outside.txt", root / "leak.txt");
  fs::create_directory_symlink(g_temp, root / "up");

  ServerOptions options;  // the defaults: no config, default limits
  options.web_root = root;
  options.settings.allowed_origins = {"https://www.example.net"};  // CORS answers and preflights too
  static ServerContext ctx(std::move(options));
  ctx.web_root = fs::canonical(root);
  g_ctx = &ctx;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const char* p = reinterpret_cast<const char*>(data);
  std::size_t left = size;
  for (std::size_t n = 0; n < kMaxRequestsPerInput; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kMaxUploadBytes);  // until the header names the route
    beast::error_code ec;
    bool body_limit_set = false;
    bool eof = false;
    int stalls = 0;
    while (!parser.is_done()) {
      if (parser.is_header_done() && !body_limit_set) {
        // What the session checks once the header is in.
        const auto& req = parser.get();
        if (websocket::is_upgrade(req) || req.method() == http::verb::post) {
          if (!origin_allowed(req, g_ctx->options.settings.allowed_origins)) return 0;  // 403, connection closed
        }
        if (websocket::is_upgrade(req) || is_upload_sink(req)) return 0;  // not handle_request's
        const auto limit = std::min(body_limit_for(req), kBodyLimit);
        if (const auto declared = parser.content_length(); declared && *declared > limit) return 0;  // 413
        parser.body_limit(limit);
        body_limit_set = true;
      }
      std::size_t used = 0;
      if (left > 0) {
        used = parser.put(net::buffer(p, left), ec);
      } else if (!eof && parser.got_some()) {
        parser.put_eof(ec);  // the client closed its side
        eof = true;
      } else {
        return 0;
      }
      p += used;
      left -= used;
      if (ec == http::error::need_more) {
        // The parser saw everything there is and wants more: the session
        // would wait, then see the client close.
        if (left > 0 && used == 0) left = 0;
        ec = {};
        continue;
      }
      if (ec) return 0;  // the session answers 400/413/431 and closes
      if (used == 0 && left > 0 && !parser.is_done() && ++stalls > 4) fail("the parser stopped taking input", "");
    }
    const bool keep_alive = parser.keep_alive();
    dispatch(parser.release());
    if (!keep_alive || left == 0) return 0;
  }
  return 0;
}
