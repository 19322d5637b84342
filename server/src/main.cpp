#include <iostream>

#include "bloatmeter/version.hpp"
#include "database_backup.hpp"
#include "open_file_limit.hpp"
#include "server_log.hpp"
#include "server.hpp"
#include "server_options.hpp"
#include "service_notify.hpp"

int main(int argc, char** argv) {
  using namespace bloatmeter::server;
  auto opts = parse_server_options(std::vector<std::string>(argv + 1, argv + argc), ConfigEnvironment::of_process());
  if (!opts) {
    std::cerr << "bloatmeter-server: " << opts.error() << "\n";
    return 2;
  }
  const auto& config = opts.value().config_sources;
  for (const auto& warning : config.warnings) std::cerr << "warning: " << warning << "\n";
  if (opts.value().check_config) {
    std::cout << "# " << opts.value().config.string() << " is valid; the effective settings:\n"
              << config_sources_text(config) << effective_settings_text(opts.value().settings, config);
    return 0;
  }
  if (opts.value().show_help) {
    std::cout << server_usage();
    return 0;
  }
  if (!opts.value().backup_to.empty()) {
    const auto& o = opts.value();
    if (!o.settings.telemetry_database.empty()) {
      std::cerr << "bloatmeter-server: backup: the telemetry database is PostgreSQL (telemetry_database); back it up "
                   "with pg_dump\n";
      return 1;
    }
    auto report = backup_database(database_file(o), o.backup_to);
    if (!report) {
      std::cerr << "bloatmeter-server: backup: " << report.error() << "\n";
      return 1;
    }
    std::cout << "backed up " << report.value().results << " results and " << report.value().telemetry_rows
              << " telemetry rows (" << report.value().pages << " pages) to " << o.backup_to.string() << "\n";
    return 0;
  }
  if (opts.value().show_version) {
    std::cout << "bloatmeter-server " << bloatmeter::kVersion << "\n";
    return 0;
  }
  if (opts.value().log_json) set_log_format(LogFormat::Json);
  {
    const auto open_files = raise_open_file_limit();
    auto& max_connections = opts.value().settings.max_connections;
    const auto fitting = connections_within(max_connections, open_files);
    if (fitting < max_connections) {
      std::cerr << "warning: the open-file limit is " << open_files << " (ulimit -n; LimitNOFILE in a systemd unit): "
                << "max_connections lowered from " << max_connections << " to " << fitting
                << ", so a crowd is refused with 503 before descriptors run out\n";
      max_connections = fitting;
    }
  }
  Server server(std::move(opts.value()));
  if (auto err = server.start(); !err.empty()) {
    std::cerr << "bloatmeter-server: " << err << "\n";
    return 1;
  }
  // Before the "listening" lines: a supervisor may signal as soon as it
  // reads them, and a SIGTERM before this would kill the process unstopped.
  server.stop_on_signals();
  const auto& o = server.context().options;
  auto shown = [](const Endpoint& ep) { return ep.host.empty() || ep.host == "0.0.0.0" || ep.host == "::" ? std::string("localhost") : (ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host); };
  for (std::size_t i = 0; i < o.listen.size(); ++i)
    std::cout << "bloatmeter-server " << bloatmeter::kVersion << " listening on http://" << shown(o.listen[i]) << ":"
              << server.http_port(i) << "/" << std::endl;
  for (std::size_t i = 0; i < o.tls_listen.size(); ++i)
    std::cout << "bloatmeter-server " << bloatmeter::kVersion << " listening on https://" << shown(o.tls_listen[i]) << ":"
              << server.tls_port(i) << "/" << std::endl;
  if (server.udp_port()) std::cout << "bloatmeter-server UDP probe lane on port " << server.udp_port() << std::endl;
  // Under systemd (Type=notify): ready once every listener is bound, the
  // watchdog pinged while the I/O, probe and results threads all turn.
  const auto notifier = ServiceNotifier::from_environment();
  if (auto err = notifier.send("READY=1\nSTATUS=serving"); !err.empty())
    std::cerr << "warning: could not tell systemd the server is ready: " << err << "\n";
  auto& ctx = server.context();
  keep_watchdog(notifier, server.io_executor(), {server.io_executor(), ctx.probe_io->get_executor(), ctx.results_executor});
  server.run();
  notifier.send("STOPPING=1");
  std::cout << "bloatmeter-server stopped" << std::endl;
  return 0;
}
