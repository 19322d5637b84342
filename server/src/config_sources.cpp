#include "config_sources.hpp"

#include "database_target.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bloatmeter/key_values.hpp"
#include "bloatmeter/utf8.hpp"

namespace bloatmeter::server {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> split_search_path(const std::string& text) {
  std::vector<fs::path> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(':', start), text.size());
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_known_key(const std::string& key) {
  const auto& keys = known_config_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Adds one file's settings over what earlier files set.
Outcome<bool> read_file(const fs::path& file, LoadedConfig& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Outcome<bool>::failure("cannot read config file " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto lines = parse_key_value_lines(text.str());
  if (!lines) return Outcome<bool>::failure("config file " + file.string() + ": " + lines.error());
  std::map<std::string, std::size_t> seen;  // key -> its line in this file
  for (auto& kv : lines.value()) {
    const auto where = file.string() + " line " + std::to_string(kv.line);
    if (!is_known_key(kv.key)) {
      out.warnings.push_back(where + ": unknown key '" + kv.key + "' (ignored)");
      continue;
    }
    if (const auto it = seen.find(kv.key); it != seen.end())
      out.warnings.push_back(where + ": '" + kv.key + "' again (line " + std::to_string(it->second) +
                             "'s value is replaced)");
    seen[kv.key] = kv.line;
    out.values[kv.key] = std::move(kv.value);
    out.origins[kv.key] = where;
  }
  out.files.push_back(file);
  return Outcome<bool>::success(true);
}

std::string masked(const std::string& secret) {
  if (secret.empty()) return "(not set)";
  return "****** (set, " + std::to_string(secret.size()) + " characters)";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

// A known key's effective value as text (secrets masked).
std::string setting_text(const std::string& key, const ServerSettings& s, const LoadedConfig& config) {
  if (is_secret_config_key(key)) {
    const auto it = config.values.find(key);
    return masked(it == config.values.end() ? std::string() : it->second);
  }
  static const std::map<std::string, std::function<std::string(const ServerSettings&)>> typed{
      {"result_retention", [](const ServerSettings& x) { return std::to_string(x.result_retention); }},
      {"max_concurrent_submissions", [](const ServerSettings& x) { return std::to_string(x.max_concurrent_submissions); }},
      {"request_timeout_seconds", [](const ServerSettings& x) { return std::to_string(x.request_timeout_seconds); }},
      {"idle_timeout_seconds", [](const ServerSettings& x) { return std::to_string(x.idle_timeout_seconds); }},
      {"write_stall_seconds", [](const ServerSettings& x) { return std::to_string(x.write_stall_seconds); }},
      {"max_transfer_seconds", [](const ServerSettings& x) { return std::to_string(x.max_transfer_seconds); }},
      {"max_connections", [](const ServerSettings& x) { return std::to_string(x.max_connections); }},
      {"max_connections_per_address", [](const ServerSettings& x) { return std::to_string(x.max_connections_per_address); }},
      {"max_tests", [](const ServerSettings& x) { return std::to_string(x.max_tests); }},
      {"max_tests_per_address", [](const ServerSettings& x) { return std::to_string(x.max_tests_per_address); }},
      {"max_streams_per_test", [](const ServerSettings& x) { return std::to_string(x.max_streams_per_test); }},
      {"max_test_seconds", [](const ServerSettings& x) { return std::to_string(x.max_test_seconds); }},
      {"tls_reload_check_seconds", [](const ServerSettings& x) { return std::to_string(x.tls_reload_check_seconds); }},
      {"submissions_per_minute_per_address",
       [](const ServerSettings& x) { return std::to_string(x.submissions_per_minute_per_address); }},
      {"allowed_origins", [](const ServerSettings& x) { return joined(x.allowed_origins); }},
      {"connect_origins", [](const ServerSettings& x) { return joined(x.connect_origins); }},
      {"telemetry_allow_query_key",
       [](const ServerSettings& x) { return std::string(x.telemetry_allow_query_key ? "true" : "false"); }},
      {"telemetry_store_ip",
       [](const ServerSettings& x) {
         return std::string(x.telemetry_store_ip == IpKeeping::Full     ? "full"
                            : x.telemetry_store_ip == IpKeeping::Prefix ? "prefix"
                                                                        : "none");
       }},
      {"telemetry_max_rows", [](const ServerSettings& x) { return std::to_string(x.telemetry_max_rows); }},
      {"telemetry_max_age_days", [](const ServerSettings& x) { return std::to_string(x.telemetry_max_age_days); }},
      {"trusted_proxies",
       [](const ServerSettings& x) {
         std::vector<std::string> texts;
         for (const auto& p : x.trusted_proxies) texts.push_back(p.text());
         return joined(texts);
       }},
      {"webhook_url", [](const ServerSettings& x) { return x.webhook_url; }},
      {"telemetry_database",
       [](const ServerSettings& x) {
         return x.telemetry_database.empty() ? std::string("sqlite (the data folder's bloatmeter.sqlite)")
                                             : masked_postgres_uri(x.telemetry_database);
       }},
      {"server_id", [](const ServerSettings& x) { return x.server_id; }},
      {"servers_file",
       [](const ServerSettings& x) { return x.servers_file.empty() ? std::string("(the web folder's servers.json)") : x.servers_file; }},
      {"webhook_retry_initial_ms", [](const ServerSettings& x) { return std::to_string(x.webhook_retry_initial_ms); }},
      {"udp_port", [](const ServerSettings& x) { return x.udp_port == 0 ? std::string("0 (off)") : std::to_string(x.udp_port); }},
      {"udp_max_rate_pps", [](const ServerSettings& x) { return std::to_string(x.udp_max_rate_pps); }},
      {"udp_max_sessions", [](const ServerSettings& x) { return std::to_string(x.udp_max_sessions); }},
      {"udp_max_sessions_per_address", [](const ServerSettings& x) { return std::to_string(x.udp_max_sessions_per_address); }},
      {"rrul_max_tests", [](const ServerSettings& x) { return std::to_string(x.rrul_max_tests); }},
  };
  if (const auto it = typed.find(key); it != typed.end()) return it->second(s);
  // sponsor_* (text the server shows as it is), and any key this listing
  // has no typed form for: the text as set.
  const auto it = config.values.find(key);
  if (it != config.values.end()) return it->second;
  return key.starts_with("sponsor_") ? std::string() : std::string("(default)");
}

}  // namespace

ConfigEnvironment ConfigEnvironment::of_process() {
  ConfigEnvironment env;
  const char* search = std::getenv(kConfigSearchPathVariable);
  env.search_path = split_search_path(search ? search : kDefaultConfigSearchPath);
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  return env;
}

std::string config_variable_name(const std::string& key) {
  std::string name = key;
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Outcome<LoadedConfig> load_config(const fs::path& explicit_file, const ConfigEnvironment& env) {
  using R = Outcome<LoadedConfig>;
  LoadedConfig out;
  if (!explicit_file.empty()) {
    if (auto read = read_file(explicit_file, out); !read) return R::failure(read.error());
  } else {
    for (const auto& file : env.search_path) {
      std::error_code ec;
      if (!fs::exists(file, ec)) continue;
      if (auto read = read_file(file, out); !read) return R::failure(read.error());
    }
  }
  if (env.variable) {
    for (const auto& key : known_config_keys()) {
      if (out.values.count(key)) continue;
      const auto name = config_variable_name(key);
      auto value = env.variable(name);
      // An empty variable counts as unset (compose files often pass "${X:-}").
      if (!value || value->empty()) continue;
      if (!is_valid_utf8(*value))
        return R::failure("environment variable " + name + ": not valid UTF-8 text");
      out.values[key] = std::move(*value);
      out.origins[key] = "environment variable " + name;
    }
  }
  return R::success(std::move(out));
}

Outcome<ServerSettings> settings_from_loaded(const LoadedConfig& config) {
  auto settings = settings_from_config(config.values);
  if (settings) return settings;
  // Errors start with the key they are about ("telemetry_max_rows: ...").
  const auto& error = settings.error();
  const auto key_end = error.find_first_not_of("abcdefghijklmnopqrstuvwxyz_");
  const auto it = config.origins.find(error.substr(0, key_end));
  return Outcome<ServerSettings>::failure((it == config.origins.end() ? std::string("settings") : it->second) +
                                          ": " + error);
}

std::string config_sources_text(const LoadedConfig& config) {
  std::string files, variables;
  for (const auto& file : config.files) files += (files.empty() ? "" : ", ") + file.string();
  for (const auto& [key, origin] : config.origins)
    if (origin.starts_with("environment variable "))
      variables += (variables.empty() ? "" : ", ") + config_variable_name(key);
  return "# files read: " + (files.empty() ? std::string("none") : files) + "\n" +
         "# from environment variables: " + (variables.empty() ? std::string("none") : variables) + "\n";
}

std::string effective_settings_text(const ServerSettings& settings, const LoadedConfig& config) {
  std::string out;
  for (const auto& key : known_config_keys()) {
    const auto value = setting_text(key, settings, config);
    out += key + " = " + (value.empty() ? std::string("(not set)") : value) + "\n";
  }
  return out;
}

}  // namespace bloatmeter::server
