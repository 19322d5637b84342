#pragma once
// The server's tunable limits, read from the config file's key=value
// settings and checked once at load: a bad value stops the start with a
// message naming the key, never a surprise later.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::server {

struct ServerSettings {
  // result_retention: how many results the database keeps (newest first).
  std::size_t result_retention = 1000;
  // max_concurrent_submissions: POST /api/results being read, queued or
  // stored at once (each may hold up to 8 MiB); more get 503 + Retry-After.
  int max_concurrent_submissions = 8;
  // request_timeout_seconds: a request's header and body must arrive within
  // this (a slowloris client is dropped).
  int request_timeout_seconds = 30;
  // idle_timeout_seconds: a kept-alive connection waits this long for its
  // next request.
  int idle_timeout_seconds = 30;
  // write_stall_seconds: a response whose reader takes nothing for this long
  // is abandoned (each piece written resets the clock).
  int write_stall_seconds = 30;
  // max_transfer_seconds: the longest any one response may take, however
  // steadily it is read (a test's download phase lasts seconds).
  int max_transfer_seconds = 300;
  // allowed_origins: web origins, besides the server's own, whose pages may
  // open WebSockets, POST to the server and frame its page (space or comma
  // separated, e.g. "https://www.example.net"); "*" allows any.
  std::vector<std::string> allowed_origins;
};

// Every key this file knows, for the others' (sponsor_*) sake: unknown keys
// are not refused here.
Outcome<ServerSettings> settings_from_config(const std::map<std::string, std::string>& values);

}  // namespace bloatmeter::server
