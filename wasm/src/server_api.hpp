#pragma once
// Requests to the bloatmeter server over the browser's fetch API. Each
// completes asynchronously and calls back on the main thread.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app_state.hpp"

namespace bloatmeter::web {

struct HttpReply {
  int status = 0;  // 0: no answer (unreachable)
  std::string body;
};
using ReplyHandler = std::function<void(const HttpReply&)>;
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

void http_request(const char* method, const std::string& url, const std::string& body, ReplyHandler done,
                  HttpHeaders headers = {});

// Fetches `url` (the test server's /api/health) and fills `out` when it answers.
void request_health(ServerHealth& out, const std::string& url);
// Fetches `url` (its /api/sponsor; nothing shown when unset or unreachable).
void request_sponsor(Sponsor& out, const std::string& url);

}  // namespace bloatmeter::web
