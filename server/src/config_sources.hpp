#pragma once
// Where the server's settings come from (docs/operator.md, "Configuration"):
// --config FILE alone, or else every file of the search path that exists
// (/etc/lqos_test.conf, the seed's, then /etc/bloatmeter/bloatmeter.conf,
// whose keys override the first's); then, for each known key no file set,
// the environment variable of the key's name in upper case (SPONSOR_NAME,
// WEBHOOK_URL, TELEMETRY_API_KEY, ...). Unknown keys are warnings naming the
// file and line; a bad value is an error naming where it was set.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/outcome.hpp"
#include "server_settings.hpp"

namespace bloatmeter::server {

// The files read when no --config is given, ':'-separated; the variable
// BLOATMETER_CONFIG_SEARCH_PATH replaces it (empty: no file).
inline constexpr const char* kDefaultConfigSearchPath = "/etc/lqos_test.conf:/etc/bloatmeter/bloatmeter.conf";
inline constexpr const char* kConfigSearchPathVariable = "BLOATMETER_CONFIG_SEARCH_PATH";

struct ConfigEnvironment {
  // Read in order when no --config is given; missing files are skipped.
  std::vector<std::filesystem::path> search_path;
  // An environment variable's value, nothing when unset. Null: no variables.
  std::function<std::optional<std::string>(const std::string& name)> variable;

  // The process's own: its variables, and the search path they name.
  static ConfigEnvironment of_process();
};

struct LoadedConfig {
  std::map<std::string, std::string> values;
  // Where each value came from: "FILE line N" or "environment variable NAME".
  std::map<std::string, std::string> origins;
  std::vector<std::string> warnings;  // "FILE line N: unknown key 'foo'"
  std::vector<std::filesystem::path> files;  // the files read, in order
};

// The environment variable that stands in for a key: its upper case.
std::string config_variable_name(const std::string& key);

// Reads explicit_file (when not empty: it alone, and it must exist) or the
// search path's files, then the variables for keys still unset.
Outcome<LoadedConfig> load_config(const std::filesystem::path& explicit_file, const ConfigEnvironment& env);

// settings_from_config, its error prefixed with where the bad value was set.
Outcome<ServerSettings> settings_from_loaded(const LoadedConfig& config);

// "# files read: ...", "# from environment variables: ..." (lines).
std::string config_sources_text(const LoadedConfig& config);

// Every known key as "key = value", one a line, defaults included and
// secrets masked ("****** (set, 32 characters)"): --check-config's listing.
std::string effective_settings_text(const ServerSettings& settings, const LoadedConfig& config);

}  // namespace bloatmeter::server
