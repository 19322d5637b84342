#pragma once
// The test servers a static site offers its visitors: servers.json beside
// the page (docs/deploy.md, "A fleet"). The page measures each server's
// round trip before a test and proposes the nearest; the visitor may pick
// another. An absent file or an empty list means the page's own server, as
// on a single box. Parsing checks every field, with errors that name it
// ("servers[1].url: ..."): the file is an operator's, and a mistake in it
// must show, not fall back silently.
//
//   {"format": "bloatmeter-servers", "version": 1,
//    "servers": [{"name": "Frankfurt", "city": "Frankfurt am Main",
//                 "url": "https://fra.speed.example.net", "telemetry_home": true},
//                {"name": "Hamburg", "url": "https://ham.speed.example.net"}]}
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter {

inline constexpr const char* kServerListFormat = "bloatmeter-servers";
inline constexpr int kServerListVersion = 1;
inline constexpr std::size_t kMaxServerListBytes = 64 * 1024;
inline constexpr std::size_t kMaxListedServers = 32;
inline constexpr std::size_t kMaxServerNameBytes = 40;
inline constexpr std::size_t kMaxServerCityBytes = 60;

struct ListedServer {
  std::string name;    // shown, and what ?server=NAME picks; unique, case aside
  std::string city;    // shown under the name; may be empty
  std::string origin;  // normalized: scheme://host[:port] (web_origin.hpp)
  bool telemetry_home = false;  // where results are submitted and stored
};

struct ServerList {
  std::vector<ListedServer> servers;  // in the file's order; empty: the page's own server
};

// `page_origin`: the origin the page was loaded from. A page over https may
// list only https servers (a browser blocks an http fetch or ws:// lane
// from it as mixed content).
Outcome<ServerList> parse_server_list(std::string_view text, std::string_view page_origin);

// The server with the lowest round trip; ties go to the one listed first.
// `rtt_ms[i]` is servers[i]'s, nothing when it did not answer. Nothing when
// none answered.
std::optional<std::size_t> nearest_server(const ServerList& list, const std::vector<std::optional<double>>& rtt_ms);

// The server named `name` (case aside), for a link that names one.
std::optional<std::size_t> find_server(const ServerList& list, std::string_view name);

}  // namespace bloatmeter
