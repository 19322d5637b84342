#include "server_choice.hpp"

#include <emscripten/emscripten.h>

#include <cstdio>
#include <utility>

#include "page_io.hpp"
#include "server_api.hpp"

namespace bloatmeter::web {
namespace {

// Every server at once: one request opens the connection (TCP, TLS), the
// least of the five after it on that connection is its round trip. Timed
// here in JavaScript, not through fetch callbacks into C++, which wait for
// the page's thread. Each request has 2 s; a failure is "no answer" (a
// server that does not list this page's origin in allowed_origins fails
// here too: the browser does not let the page read its answer).
EM_JS(void, js_ping_servers, (const char* origins), {
  UTF8ToString(origins).split('\n').forEach(function (origin, i) {
    var best = Infinity, count = 0;
    function one() {
      var ctl = new AbortController();
      var timer = setTimeout(function () { ctl.abort(); }, 2000);
      var t0 = performance.now();
      fetch(origin + '/ping', { cache: 'no-store', mode: 'cors', signal: ctl.signal })
        .then(function (r) { return r.text().then(function () { return r.ok; }); })
        .then(function (ok) {
          clearTimeout(timer);
          if (!ok) return _bm_server_rtt(i, -1);
          if (count++ > 0) best = Math.min(best, performance.now() - t0);
          if (count < 6) one();
          else _bm_server_rtt(i, best);
        }, function () { clearTimeout(timer); _bm_server_rtt(i, -1); });
    }
    one();
  });
});

// The measurement in flight (one per page).
struct Measuring {
  AppState* state = nullptr;
  std::function<void()> chosen;
};
Measuring g_measuring;

void unreachable(AppState& s, std::string why) {
  s.health.status = ServerHealth::Status::Unreachable;
  s.health.error = std::move(why);
}

void measured(int index, double ms) {
  if (!g_measuring.state) return;
  AppState& s = *g_measuring.state;
  ServerChoice& c = s.servers;
  if (index < 0 || index >= static_cast<int>(c.rtt_ms.size())) return;
  if (ms >= 0) c.rtt_ms[static_cast<std::size_t>(index)] = ms;
  if (++c.answers < static_cast<int>(c.rtt_ms.size())) return;
  auto chosen = std::exchange(g_measuring, {}).chosen;
  if (!c.picked) {
    const auto nearest = nearest_server(c.list, c.rtt_ms);
    if (!nearest)
      return unreachable(s, "none of this page's " + std::to_string(c.list.servers.size()) + " test servers answered");
    c.chosen = static_cast<int>(*nearest);
  }
  chosen();
}

std::string on(const ListedServer& server, const std::string& path) { return server.origin + "/" + path; }

}  // namespace

void load_server_list(AppState& s, std::function<void()> listed, std::function<void()> chosen) {
  http_request("GET", "servers.json", {}, [&s, listed = std::move(listed), chosen = std::move(chosen)](const HttpReply& r) {
    // No list (a single box ships an empty one; a page without the file
    // is one too): the page's own server, by relative URLs.
    if (r.status != 200) {
      listed();
      return chosen();
    }
    auto parsed = parse_server_list(r.body, page_origin());
    if (!parsed) return unreachable(s, "this page's list of test servers is not valid: " + parsed.error());
    ServerChoice& c = s.servers;
    c = ServerChoice{};
    c.list = std::move(parsed.value());
    listed();
    if (c.list.servers.empty()) return chosen();
    c.rtt_ms.assign(c.list.servers.size(), std::nullopt);
    if (const auto name = url_param("server"); !name.empty()) {
      if (const auto named = find_server(c.list, name)) {
        c.chosen = static_cast<int>(*named);
        c.picked = true;
      } else {
        s.error = "The link names a test server this page does not list (" + name + "); the nearest one is used.";
      }
    }
    std::string origins;
    for (const auto& server : c.list.servers) origins += (origins.empty() ? "" : "\n") + server.origin;
    g_measuring = {&s, std::move(chosen)};
    js_ping_servers(origins.c_str());
  });
}

std::string test_url(const ServerChoice& c, const std::string& path) {
  if (c.chosen < 0) return path;
  return on(c.list.servers[static_cast<std::size_t>(c.chosen)], path);
}

std::string home_url(const ServerChoice& c, const std::string& path) {
  for (const auto& server : c.list.servers)
    if (server.telemetry_home) return on(server, path);
  return path;
}

std::string test_origin(const ServerChoice& c) {
  if (c.chosen < 0) return page_origin();
  return c.list.servers[static_cast<std::size_t>(c.chosen)].origin;
}

std::string chosen_server_name(const ServerChoice& c) {
  if (c.chosen < 0) return {};
  return c.list.servers[static_cast<std::size_t>(c.chosen)].name;
}

std::string describe_listed_server(const ServerChoice& c, std::size_t index) {
  const auto& server = c.list.servers[index];
  std::string text = server.name;
  if (!server.city.empty() && server.city != server.name) text += " (" + server.city + ")";
  const auto& rtt = index < c.rtt_ms.size() ? c.rtt_ms[index] : std::nullopt;
  if (c.measuring() && !rtt) return text + ", measuring";
  if (!rtt) return text + ", no answer";
  char ms[32];
  std::snprintf(ms, sizeof ms, *rtt < 10 ? ", %.1f ms" : ", %.0f ms", *rtt);
  text += ms;
  if (!c.measuring() && nearest_server(c.list, c.rtt_ms) == index)
    text += c.list.servers.size() > 1 ? ", nearest of " + std::to_string(c.list.servers.size()) : "";
  return text;
}

}  // namespace bloatmeter::web

// Called by js_ping_servers with a server's round trip in ms (-1: no answer).
extern "C" EMSCRIPTEN_KEEPALIVE void bm_server_rtt(int index, double ms) { bloatmeter::web::measured(index, ms); }
