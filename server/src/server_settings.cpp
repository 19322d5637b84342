#include "server_settings.hpp"

#include <charconv>

#include <unistd.h>

#include <algorithm>

#include "client_address.hpp"
#include "database_target.hpp"
#include "origin_policy.hpp"

namespace bloatmeter::server {
namespace {

// Reads key as an integer in [lo, hi] when present; "" or an error message.
template <typename T>
std::string integer_setting(const std::map<std::string, std::string>& values, const char* key, long long lo,
                            long long hi, T& out) {
  const auto it = values.find(key);
  if (it == values.end()) return {};
  const auto& text = it->second;
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < lo || n > hi)
    return std::string(key) + ": expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
           ", got '" + text + "'";
  out = static_cast<T>(n);
  return {};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + " ") {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

// Reads key as a boolean (true/false, yes/no, on/off, 1/0) when present.
std::string bool_setting(const std::map<std::string, std::string>& values, const char* key, bool& out) {
  const auto it = values.find(key);
  if (it == values.end()) return {};
  const auto& t = it->second;
  if (t == "true" || t == "yes" || t == "on" || t == "1") out = true;
  else if (t == "false" || t == "no" || t == "off" || t == "0") out = false;
  else return std::string(key) + ": expected true or false, got '" + t + "'";
  return {};
}

std::string text_setting(const std::map<std::string, std::string>& values, const char* key, std::string& out) {
  const auto it = values.find(key);
  if (it != values.end()) out = it->second;
  return {};
}

// Reads key as a list of web origins, each normalized; "*" only where
// `star` allows it.
std::string origin_list_setting(const std::map<std::string, std::string>& values, const char* key, bool star,
                                std::vector<std::string>& out) {
  const auto it = values.find(key);
  if (it == values.end()) return {};
  for (auto& origin : split_list(it->second)) {
    if (star && origin == "*") {
      out.push_back(origin);
      continue;
    }
    const auto normal = normalized_origin(origin);
    if (!normal)
      return std::string(key) + ": '" + origin + "' is not an origin (scheme://host[:port], e.g. https://www.example.net)";
    out.push_back(*normal);
  }
  return {};
}

constexpr std::size_t kMaxServerIdBytes = 64;

bool server_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool valid_server_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxServerIdBytes && std::all_of(id.begin(), id.end(), server_id_char);
}

// The host name, cut to what a server_id may hold.
std::string default_server_id() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "bloatmeter";
  std::string id;
  for (const char* p = name; *p && id.size() < kMaxServerIdBytes; ++p)
    if (server_id_char(*p)) id += *p;
  return id.empty() ? "bloatmeter" : id;
}

// http(s)://host[:port][/path]: the webhook's and the sponsor's links.
bool is_http_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const auto scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  const auto rest = url.substr(scheme_end + 3);
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  if (authority.empty() || authority.find_first_of(" \t@") != std::string::npos) return false;
  return true;
}

}  // namespace

const std::vector<std::string>& known_config_keys() {
  static const std::vector<std::string> keys{
      "sponsor_name", "sponsor_url", "sponsor_city", "result_retention", "max_concurrent_submissions",
      "request_timeout_seconds", "idle_timeout_seconds", "write_stall_seconds", "max_transfer_seconds",
      "max_connections", "max_connections_per_address", "max_tests", "max_tests_per_address", "max_streams_per_test",
      "max_test_seconds",
      "submissions_per_minute_per_address", "allowed_origins", "connect_origins", "telemetry_api_key", "telemetry_allow_query_key",
      "telemetry_store_ip", "telemetry_max_rows", "telemetry_max_age_days", "trusted_proxies", "webhook_url",
      "webhook_secret", "webhook_retry_initial_ms", "metrics_token", "udp_port", "udp_max_rate_pps",
      "udp_max_sessions", "udp_max_sessions_per_address", "rrul_max_tests", "tls_reload_check_seconds", "telemetry_database",
      "server_id", "servers_file"};
  return keys;
}

bool is_secret_config_key(const std::string& key) {
  return key == "telemetry_api_key" || key == "webhook_secret" || key == "metrics_token";
}

Outcome<ServerSettings> settings_from_config(const std::map<std::string, std::string>& values) {
  using R = Outcome<ServerSettings>;
  ServerSettings s;
  for (const auto& err : {
           integer_setting(values, "result_retention", 1, 100'000'000, s.result_retention),
           integer_setting(values, "max_concurrent_submissions", 1, 10'000, s.max_concurrent_submissions),
           integer_setting(values, "request_timeout_seconds", 1, 3600, s.request_timeout_seconds),
           integer_setting(values, "idle_timeout_seconds", 1, 3600, s.idle_timeout_seconds),
           integer_setting(values, "write_stall_seconds", 1, 3600, s.write_stall_seconds),
           integer_setting(values, "max_transfer_seconds", 1, 86'400, s.max_transfer_seconds),
           integer_setting(values, "max_connections", 1, 1'000'000, s.max_connections),
           integer_setting(values, "max_connections_per_address", 1, 1'000'000, s.max_connections_per_address),
           integer_setting(values, "max_tests", 1, 100'000, s.max_tests),
           integer_setting(values, "max_tests_per_address", 1, 100'000, s.max_tests_per_address),
           integer_setting(values, "max_streams_per_test", 1, 1'000, s.max_streams_per_test),
           integer_setting(values, "max_test_seconds", 1, 86'400, s.max_test_seconds),
           integer_setting(values, "submissions_per_minute_per_address", 1, 100'000,
                           s.submissions_per_minute_per_address),
           integer_setting(values, "telemetry_max_rows", 1, 100'000'000, s.telemetry_max_rows),
           integer_setting(values, "telemetry_max_age_days", 1, 36'500, s.telemetry_max_age_days),
           integer_setting(values, "webhook_retry_initial_ms", 10, 600'000, s.webhook_retry_initial_ms),
           integer_setting(values, "udp_port", 0, 65'535, s.udp_port),
           integer_setting(values, "udp_max_rate_pps", 1, 100'000, s.udp_max_rate_pps),
           integer_setting(values, "udp_max_sessions", 1, 1'000'000, s.udp_max_sessions),
           integer_setting(values, "udp_max_sessions_per_address", 1, 100'000, s.udp_max_sessions_per_address),
           integer_setting(values, "rrul_max_tests", 1, 1'000, s.rrul_max_tests),
           integer_setting(values, "tls_reload_check_seconds", 0, 86'400, s.tls_reload_check_seconds),
           bool_setting(values, "telemetry_allow_query_key", s.telemetry_allow_query_key),
           text_setting(values, "telemetry_api_key", s.telemetry_api_key),
           text_setting(values, "webhook_url", s.webhook_url),
           text_setting(values, "webhook_secret", s.webhook_secret),
           text_setting(values, "metrics_token", s.metrics_token),
           text_setting(values, "servers_file", s.servers_file),
           origin_list_setting(values, "allowed_origins", true, s.allowed_origins),
           origin_list_setting(values, "connect_origins", false, s.connect_origins),
       })
    if (!err.empty()) return R::failure(err);
  if (const auto it = values.find("telemetry_store_ip"); it != values.end()) {
    if (it->second == "full") s.telemetry_store_ip = IpKeeping::Full;
    else if (it->second == "prefix") s.telemetry_store_ip = IpKeeping::Prefix;
    else if (it->second == "none") s.telemetry_store_ip = IpKeeping::None;
    else return R::failure("telemetry_store_ip: expected full, prefix or none, got '" + it->second + "'");
  }
  if (const auto it = values.find("trusted_proxies"); it != values.end()) {
    for (auto& cidr : split_list(it->second)) {
      const auto prefix = parse_cidr(cidr);
      if (!prefix)
        return R::failure("trusted_proxies: '" + cidr + "' is not an address or CIDR prefix (e.g. 10.0.0.0/8, ::1)");
      s.trusted_proxies.push_back(*prefix);
    }
  }
  for (const char* key : {"webhook_url", "sponsor_url"}) {
    const auto it = values.find(key);
    if (it != values.end() && !it->second.empty() && !is_http_url(it->second))
      return R::failure(std::string(key) + ": '" + it->second + "' is not an http:// or https:// URL");
  }
  if (!s.webhook_url.empty() && s.webhook_secret.empty())
    return R::failure("webhook_url is set but webhook_secret is not: events must be signed");
  for (const char* key : {"telemetry_api_key", "webhook_secret", "metrics_token"}) {
    const auto it = values.find(key);
    if (it != values.end() && !it->second.empty() && it->second.size() < 16)
      return R::failure(std::string(key) + ": at least 16 characters (a guessable secret protects nothing)");
  }
  if (const auto it = values.find("telemetry_database"); it != values.end() && it->second != "sqlite") {
    if (const auto err = check_postgres_uri(it->second); !err.empty() && !it->second.empty())
      return R::failure("telemetry_database: " + err);
    s.telemetry_database = it->second;
  }
  if (const auto it = values.find("server_id"); it != values.end()) {
    if (!valid_server_id(it->second))
      return R::failure("server_id: 1 to 64 of A-Z a-z 0-9 . _ -, got '" + it->second + "'");
    s.server_id = it->second;
  } else {
    s.server_id = default_server_id();
  }
  return R::success(std::move(s));
}

}  // namespace bloatmeter::server
