#include "bloatmeter/server_list.hpp"

#include <algorithm>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "bloatmeter/ascii_lower.hpp"
#include "bloatmeter/utf8.hpp"
#include "bloatmeter/web_origin.hpp"
#include "json_keys.hpp"
#include "json_reader.hpp"

namespace bloatmeter {

using nlohmann::json;
using detail::JsonFieldError;
using detail::JsonReader;
using detail::has_control;
using detail::only_keys;
using detail::shown_value;

namespace {

std::string text_field(const JsonReader& in, const std::string& key, std::size_t min_bytes, std::size_t max_bytes) {
  std::string s = in.string(key);
  if (!is_valid_utf8(s) || has_control(s)) in.fail(key, "must be UTF-8 text without control characters");
  if (s.size() < min_bytes || s.size() > max_bytes)
    in.fail(key, "must be " + std::to_string(min_bytes) + " to " + std::to_string(max_bytes) + " bytes");
  return s;
}

ListedServer server_from(const JsonReader& in, bool https_page) {
  only_keys(in, {"name", "city", "url", "telemetry_home"});
  ListedServer s;
  s.name = text_field(in, "name", 1, kMaxServerNameBytes);
  s.city = in.has("city") ? text_field(in, "city", 0, kMaxServerCityBytes) : std::string();
  const std::string url = in.string("url");
  std::string_view bare = url;
  if (bare.ends_with('/')) bare.remove_suffix(1);
  const auto origin = normalized_origin(bare);
  if (!origin) in.fail("url", "must be an http or https origin, scheme://host[:port] with no path, got " + shown_value(url));
  if (https_page && !origin->starts_with("https://"))
    in.fail("url", "must be https: the page is served over https, and browsers block plain http from it");
  s.origin = *origin;
  s.telemetry_home = in.boolean_or("telemetry_home", false);
  return s;
}

std::string at(std::size_t i, const char* key) { return "servers[" + std::to_string(i) + "]." + key; }

ServerList list_from(const JsonReader& in, bool https_page) {
  only_keys(in, {"format", "version", "servers"});
  if (in.string("format") != kServerListFormat) in.fail("format", std::string("expected \"") + kServerListFormat + "\"");
  if (in.integer("version") != kServerListVersion)
    in.fail("version", "expected " + std::to_string(kServerListVersion) + " (this page reads no other)");
  const auto& servers = in.node().find("servers");
  if (servers != in.node().end() && servers->is_array() && servers->size() > kMaxListedServers)
    in.fail("servers", "at most " + std::to_string(kMaxListedServers) + " servers");
  ServerList list;
  in.each("servers", [&](const JsonReader& s) { list.servers.push_back(server_from(s, https_page)); });
  std::size_t homes = 0;
  for (std::size_t i = 0; i < list.servers.size(); ++i) {
    const auto& s = list.servers[i];
    homes += s.telemetry_home ? 1 : 0;
    for (std::size_t j = 0; j < i; ++j) {
      if (ascii_lower(s.name) == ascii_lower(list.servers[j].name))
        throw JsonFieldError(at(i, "name") + ": " + shown_value(s.name) + " is also servers[" + std::to_string(j) + "]'s name");
      if (s.origin == list.servers[j].origin)
        throw JsonFieldError(at(i, "url") + ": the same server as servers[" + std::to_string(j) + "]");
    }
  }
  if (!list.servers.empty() && homes != 1)
    in.fail("servers", "exactly one server must have \"telemetry_home\": true (found " + std::to_string(homes) + ")");
  return list;
}

}  // namespace

Outcome<ServerList> parse_server_list(std::string_view text, std::string_view page_origin) {
  if (text.size() > kMaxServerListBytes)
    return Outcome<ServerList>::failure("servers.json is larger than " + std::to_string(kMaxServerListBytes / 1024) + " KiB");
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Outcome<ServerList>::failure("servers.json is not valid JSON");
  const auto page = normalized_origin(page_origin);
  const bool https_page = page && page->starts_with("https://");
  try {
    return Outcome<ServerList>::success(list_from(JsonReader(doc, ""), https_page));
  } catch (const JsonFieldError& e) {
    return Outcome<ServerList>::failure(std::string("servers.json: ") + e.what());
  } catch (const json::exception& e) {
    return Outcome<ServerList>::failure(std::string("servers.json: invalid value: ") + e.what());
  }
}

std::optional<std::size_t> nearest_server(const ServerList& list, const std::vector<std::optional<double>>& rtt_ms) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < list.servers.size() && i < rtt_ms.size(); ++i)
    if (rtt_ms[i] && (!best || *rtt_ms[i] < *rtt_ms[*best])) best = i;
  return best;
}

std::optional<std::size_t> find_server(const ServerList& list, std::string_view name) {
  const auto wanted = ascii_lower(name);
  for (std::size_t i = 0; i < list.servers.size(); ++i)
    if (ascii_lower(list.servers[i].name) == wanted) return i;
  return std::nullopt;
}

}  // namespace bloatmeter
