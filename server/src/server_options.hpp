#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/outcome.hpp"
#include "config_sources.hpp"
#include "database_target.hpp"
#include "server_settings.hpp"

namespace bloatmeter::server {

struct Endpoint {
  std::string host;  // literal address; "" means all interfaces
  std::uint16_t port = 0;
};

struct ServerOptions {
  std::vector<Endpoint> listen;        // plain HTTP listeners, in the order given
  std::vector<Endpoint> tls_listen;    // HTTPS listeners; the first is where --redirect-https sends pages
  std::filesystem::path cert;          // empty: data_dir/tls/cert.pem, generated
  std::filesystem::path key;
  std::filesystem::path web_root = "web";
  std::filesystem::path data_dir = "data";
  std::filesystem::path config;        // the seed's key=value file, optional
  std::map<std::string, std::string> config_values;
  ServerSettings settings;             // the limits among config_values, checked
  LoadedConfig config_sources;         // where config_values came from, warnings
  bool check_config = false;           // --check-config FILE: validate, print, exit
  std::filesystem::path backup_to;     // --backup FILE: copy data_dir's database there, exit
  std::filesystem::path acme_webroot;  // --acme-webroot DIR: certbot's challenges (acme_challenge.hpp)
  int drain_seconds = 30;              // --drain-seconds N: SIGTERM lets running tests end within N s
  bool redirect_https = false;
  bool access_log = false;             // --access-log: a line per HTTP request (server_log.hpp)
  bool log_json = false;               // --log-format json         // --redirect-https: pages on HTTP go to HTTPS (https_redirect.hpp)
  unsigned threads = 0;                // 0: one per core
  bool show_help = false;
  bool show_version = false;
};

// The results and telemetry database under data_dir.
inline std::filesystem::path database_file(const ServerOptions& o) { return o.data_dir / "bloatmeter.sqlite"; }
// Where results and telemetry live: that file, or telemetry_database's
// PostgreSQL.
inline DatabaseTarget database_target(const ServerOptions& o) {
  return {database_file(o), o.settings.telemetry_database, o.settings.server_id};
}

// "127.0.0.1:8080", "[::1]:0", ":8080", "8080".
Outcome<Endpoint> parse_endpoint(const std::string& text);
// Endpoints separated by commas: "0.0.0.0:80,[::1]:80". Each once.
Outcome<std::vector<Endpoint>> parse_endpoint_list(const std::string& text);

// Parses the command line and reads the settings: --config's file, or else
// env's search path, then env's variables (config_sources.hpp). The default
// env has neither, so tests read only the files they name.
Outcome<ServerOptions> parse_server_options(const std::vector<std::string>& args,
                                            const ConfigEnvironment& env = {});

std::string server_usage();

}  // namespace bloatmeter::server
