#pragma once
#include <functional>
#include <string>

#include "http_types.hpp"
#include "responses.hpp"
#include "server_context.hpp"

namespace bloatmeter::server {

// What the session knows about the peer that routes may need.
struct ClientInfo {
  std::string ip;  // remote address as text, IPv4-mapped IPv6 shown as IPv4
  std::string limit_key;  // what the per-address limits count it as (client_limits.hpp)
  bool secure = false;    // over HTTPS
};

// How a route answers: at once, or later from another thread (result
// storage). The session moves the answer back onto its own strand.
using Reply = std::function<void(Response)>;

// Plain HTTP requests (not WebSocket upgrades): the API and the static site.
void handle_request(Request&& req, ServerContext& ctx, const ClientInfo& client, Reply reply);

// How large a request body each route accepts, decided from the header
// before the body is read.
std::uint64_t body_limit_for(const Request& req);
// The largest body any route accepts (the parser's limit until the header
// names the route).
inline constexpr std::uint64_t kMaxUploadBytes = std::uint64_t{1} << 30;

// POST /upload is a streaming sink: the session counts its body as it
// arrives instead of buffering it (see http_session.hpp).
bool is_upload_sink(const Request& req);

// POST /api/results: the session bounds how many run at once.
bool is_result_submission(const Request& req);

}  // namespace bloatmeter::server
