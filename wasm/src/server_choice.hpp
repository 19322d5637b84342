#pragma once
// A fleet's test servers as the page offers them (servers.json beside the
// page; docs/deploy.md, "A fleet"). The page fetches the list, measures
// each server's round trip with GET /ping and runs its tests against the
// nearest, unless the visitor picks another or the link names one
// (?server=NAME). Results go to the list's telemetry home. Without a list
// (no file, or an empty one) everything is the page's own server, by
// relative URLs, as on a single box.
#include <functional>
#include <string>

#include "app_state.hpp"

namespace bloatmeter::web {

// Fetches servers.json into `s.servers`. `listed` runs once the list is
// known (the telemetry home with it); `chosen` once the test server is
// chosen: at once without a list, after the round trips with one. An
// invalid file, or a list none of whose servers answers, makes the health
// Unreachable with the reason, and `chosen` does not run.
void load_server_list(AppState& s, std::function<void()> listed, std::function<void()> chosen);

// The URL of `path` ("api/health") on the server the tests run against,
// and on the telemetry home (results, the operator's API).
std::string test_url(const ServerChoice& c, const std::string& path);
std::string home_url(const ServerChoice& c, const std::string& path);
// The http(s) origin the tests run against (the page's own without a list).
std::string test_origin(const ServerChoice& c);

// "Hamburg", or empty without a list.
std::string chosen_server_name(const ServerChoice& c);
// "Hamburg (Hamburg), 12 ms, nearest of 3", or "no answer" for one that
// did not answer: how the view and the page's text name a server.
std::string describe_listed_server(const ServerChoice& c, std::size_t index);

}  // namespace bloatmeter::web
