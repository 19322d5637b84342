#include "server_options.hpp"

#include <charconv>
#include <thread>

namespace bloatmeter::server {

Outcome<Endpoint> parse_endpoint(const std::string& text) {
  Endpoint ep;
  std::string port_text = text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Outcome<Endpoint>::failure("bad address '" + text + "': expected [IPv6]:PORT");
    ep.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    ep.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
  if (port_text.empty() || ec != std::errc{} || ptr != end || value > 65535)
    return Outcome<Endpoint>::failure("bad port in '" + text + "': expected 0-65535");
  ep.port = static_cast<std::uint16_t>(value);
  return Outcome<Endpoint>::success(ep);
}

Outcome<std::vector<Endpoint>> parse_endpoint_list(const std::string& text) {
  using R = Outcome<std::vector<Endpoint>>;
  std::vector<Endpoint> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    auto item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    auto ep = parse_endpoint(item);
    if (!ep) return R::failure(ep.error());
    for (const auto& seen : out)
      if (seen.host == ep.value().host && seen.port == ep.value().port && seen.port != 0)
        return R::failure("'" + item + "' is listed twice");
    out.push_back(ep.value());
    start = end + 1;
  }
  return R::success(std::move(out));
}

std::string server_usage() {
  return R"(Usage: bloatmeter-server [options]

Serves the bloatmeter web client, its probe and load endpoints and the
result API.

Options:
  --listen ADDR:PORT[,ADDR:PORT...]
                          plain HTTP listeners (default 0.0.0.0:8080);
                          [::]:PORT takes IPv6 and IPv4 (dual-stack), or
                          list each address: 192.0.2.1:80,[2001:db8::1]:80
  --tls-listen ADDR:PORT[,ADDR:PORT...]
                          HTTPS listeners (off unless given)
  --cert FILE             PEM certificate chain for HTTPS; with --key.
                          Without both, a self-signed pair is generated
                          once under DATA_DIR/tls/ and reused (renewed
                          30 days before it expires). Both are loaded
                          again on SIGHUP and when they change on disk
                          (tls_reload_check_seconds); a pair that does
                          not load is refused and the old one kept.
  --key FILE              PEM private key for HTTPS
  --acme-webroot DIR      serve /.well-known/acme-challenge/ from DIR, for
                          certbot's webroot mode (certbot certonly
                          --webroot -w DIR) while the server runs
  --redirect-https        send page requests on HTTP to the same page on
                          HTTPS (needs --tls-listen with a port); the API,
                          probe and load routes answer on both
  --web-root DIR          the web client's build output (default: web)
  --data-dir DIR          results database, generated certificates
                          (default: data)
  --config FILE           key=value settings (docs/operator.md lists every
                          key); '#' comments, quotes allowed; UTF-8 text.
                          Without it: /etc/lqos_test.conf, then
                          /etc/bloatmeter/bloatmeter.conf (its keys win), each
                          when present; BLOATMETER_CONFIG_SEARCH_PATH
                          (':'-separated files) replaces that list. Keys no
                          file sets fall back to environment variables of
                          the key's name in upper case (SPONSOR_NAME,
                          WEBHOOK_URL, TELEMETRY_API_KEY, ...)
  --check-config FILE     validate FILE (plus those variables), print the
                          effective settings with secrets masked, exit
                          (0 valid, 2 not)
  --backup FILE           copy the results and telemetry database of
                          DATA_DIR to FILE (a new file) with SQLite's
                          online backup, while the server runs; exit
                          (0 done, 1 not)
  --drain-seconds N       on SIGTERM or SIGINT, start no new test but let
                          running ones end, for at most N s (default 30;
                          0: stop at once); then close their probe lanes
                          with "restarting" (1012) and stop. A second
                          signal stops at once.
  --log-format text|json  the log on stderr: text lines (default) or one
                          JSON object per line, for log pipelines
  --access-log            also log every HTTP request (address, method,
                          path without its query, status, bytes, time);
                          off by default: addresses are personal data
  --threads N             I/O threads (default: one per core)
  --version               print the version and exit
  --help                  print this help and exit

ADDR may be an IPv4 address, [IPv6], or empty (":8080") for all interfaces.
Port 0 picks a free port; the chosen one is printed on start.
)";
}

Outcome<ServerOptions> parse_server_options(const std::vector<std::string>& args, const ConfigEnvironment& env) {
  using R = Outcome<ServerOptions>;
  ServerOptions o;
  bool listen_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) -> bool {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      o.show_help = true;
    } else if (a == "--version") {
      o.show_version = true;
    } else if (a == "--redirect-https") {
      o.redirect_https = true;
    } else if (a == "--access-log") {
      o.access_log = true;
    } else if (a == "--log-format") {
      if (!value(v) || (v != "text" && v != "json")) return R::failure("--log-format: expected text or json");
      o.log_json = v == "json";
    } else if (a == "--listen" || a == "--tls-listen") {
      if (!value(v)) return R::failure(a + " needs ADDR:PORT");
      auto endpoints = parse_endpoint_list(v);
      if (!endpoints) return R::failure(a + ": " + endpoints.error());
      (a == "--listen" ? o.listen : o.tls_listen) = std::move(endpoints).value();  // a later one replaces it
      if (a == "--listen") listen_given = true;
    } else if (a == "--cert" || a == "--key" || a == "--web-root" || a == "--data-dir" || a == "--config" ||
               a == "--check-config" || a == "--backup" || a == "--acme-webroot") {
      if (!value(v)) return R::failure(a + " needs a path");
      if (a == "--cert") o.cert = v;
      else if (a == "--key") o.key = v;
      else if (a == "--web-root") o.web_root = v;
      else if (a == "--data-dir") o.data_dir = v;
      else if (a == "--backup") o.backup_to = v;
      else if (a == "--acme-webroot") o.acme_webroot = v;
      else o.config = v;
      if (a == "--check-config") o.check_config = true;
    } else if (a == "--drain-seconds") {
      if (!value(v)) return R::failure("--drain-seconds needs a number");
      int n = -1;
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc{} || ptr != v.data() + v.size() || n < 0 || n > 3600)
        return R::failure("--drain-seconds: expected 0-3600, got '" + v + "'");
      o.drain_seconds = n;
    } else if (a == "--threads") {
      if (!value(v)) return R::failure("--threads needs a number");
      unsigned n = 0;
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc{} || ptr != v.data() + v.size() || n == 0 || n > 256)
        return R::failure("--threads: expected 1-256, got '" + v + "'");
      o.threads = n;
    } else {
      return R::failure("unknown option '" + a + "' (see --help)");
    }
  }
  if (o.show_help || o.show_version) return R::success(std::move(o));
  if (!listen_given) o.listen = {Endpoint{"0.0.0.0", 8080}};
  if (o.cert.empty() != o.key.empty()) return R::failure("--cert and --key go together");
  if (o.redirect_https && (o.tls_listen.empty() || o.tls_listen.front().port == 0))
    return R::failure("--redirect-https needs --tls-listen ADDR:PORT with a port (where to send pages)");
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  auto loaded = load_config(o.config, env);
  if (!loaded) return R::failure(loaded.error());
  o.config_sources = std::move(loaded).value();
  o.config_values = o.config_sources.values;
  auto settings = settings_from_loaded(o.config_sources);
  if (!settings) return R::failure(settings.error());
  o.settings = std::move(settings).value();
  return R::success(std::move(o));
}

}  // namespace bloatmeter::server
