#include "server.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bloatmeter/server_list.hpp"
#include "run_guarded.hpp"
#include "server_log.hpp"
#include "service_notify.hpp"
#include "tls_identity.hpp"

namespace bloatmeter::server {
namespace fs = std::filesystem;

namespace {
std::string resolve(const Endpoint& ep, tcp::endpoint& out) {
  beast::error_code ec;
  const auto addr = net::ip::make_address(ep.host.empty() ? "::" : ep.host, ec);
  if (ec) return "bad listen address '" + ep.host + "' (use a literal IPv4 or IPv6 address)";
  out = tcp::endpoint(addr, ep.port);
  return {};
}

// Where the UDP responder listens: at the HTTP listeners' addresses, so a
// client reaches it at the host it already talks to. A wildcard takes the
// addresses it covers ("::" every one, "0.0.0.0" every IPv4 one), which
// could not be bound beside it.
std::vector<net::ip::address> udp_addresses(const ServerOptions& o) {
  std::vector<net::ip::address> out;
  for (const auto* list : {&o.listen, &o.tls_listen})
    for (const auto& ep : *list) {
      tcp::endpoint resolved;
      if (!resolve(ep, resolved).empty()) continue;
      out.push_back(resolved.address());
    }
  const auto covered = [&](const net::ip::address& a) {
    return std::any_of(out.begin(), out.end(), [&](const net::ip::address& w) {
      return w != a && w.is_unspecified() && (w.is_v6() || a.is_v4());
    });
  };
  std::vector<net::ip::address> kept;
  for (const auto& a : out)
    if (!covered(a) && std::find(kept.begin(), kept.end(), a) == kept.end()) kept.push_back(a);
  return kept;
}
}  // namespace

Server::Server(ServerOptions options)
    : ctx_(std::move(options)),
      ioc_(static_cast<int>(ctx_.options.threads)),
      probe_work_(net::make_work_guard(probe_ioc_)) {
  ctx_.probe_io = &probe_ioc_;
  ctx_.results_executor = results_thread_.get_executor();
  ctx_.telemetry_executor = telemetry_thread_.get_executor();
}

Server::~Server() {
  stop();
  // Pending storage jobs hold sessions of ioc_: finish them before the
  // contexts go.
  results_thread_.join();
  telemetry_thread_.join();
}

std::string Server::start() {
  auto& o = ctx_.options;
  std::error_code ec;
  ctx_.web_root = fs::canonical(o.web_root, ec);
  if (ec || !fs::is_directory(ctx_.web_root)) return "web root not found: " + o.web_root.string();
  if (const auto& list = o.settings.servers_file; !list.empty()) {
    // Checked now, as the page will check it (except that it may name http
    // servers: only an https page may not), so a mistake stops the start.
    std::ifstream in(list, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return "servers_file: cannot read " + list;
    if (auto parsed = parse_server_list(text.str(), "http://localhost"); !parsed)
      return "servers_file " + list + ": " + parsed.error();
  }
  fs::create_directories(o.data_dir, ec);
  if (ec) return "cannot create data folder " + o.data_dir.string() + ": " + ec.message();

  Retention retention;
  retention.results = o.settings.result_retention;
  retention.telemetry_rows = o.settings.telemetry_max_rows;
  retention.telemetry_max_age_s = static_cast<std::int64_t>(o.settings.telemetry_max_age_days) * 86400;
  auto store = ResultStore::open(database_target(o), retention);
  if (!store) return store.error();
  results_ = std::move(store).value();
  ctx_.results = results_.get();
  ctx_.metrics.database.refresh_soon();  // /metrics' database figures, off the I/O threads
  auto reader = TelemetryReader::open(database_target(o), o.data_dir);
  if (!reader) return reader.error();
  telemetry_ = std::move(reader).value();
  ctx_.telemetry = telemetry_.get();
  telemetry_auth_ = std::make_unique<TelemetryAuth>(o.settings);
  ctx_.telemetry_auth = telemetry_auth_.get();

  const auto open = [&](const Endpoint& where, const TlsCertificate* tls,
                        std::vector<std::shared_ptr<Listener>>& into) -> std::string {
    tcp::endpoint ep;
    if (auto err = resolve(where, ep); !err.empty()) return err;
    into.push_back(std::make_shared<Listener>(ioc_, ctx_, tls));
    return into.back()->open(ep);
  };
  for (const auto& where : o.listen)
    if (auto err = open(where, nullptr, plain_); !err.empty()) return err;
  if (!o.tls_listen.empty()) {
    auto files = ensure_tls_files(o.cert, o.key, o.data_dir);
    if (!files) return files.error();
    if (files.value().generated) std::cout << "generated a self-signed certificate: " << files.value().cert << "\n";
    auto certificate = TlsCertificate::load(std::move(files).value(), o.data_dir);
    if (!certificate) return "cannot serve HTTPS: " + certificate.error();
    tls_ = std::move(certificate).value();
    check_certificate_soon();
    for (const auto& where : o.tls_listen)
      if (auto err = open(where, tls_.get(), secure_); !err.empty()) return err;
  }
  if (plain_.empty() && secure_.empty()) return "nothing to listen on";
  if (o.settings.udp_port != 0) {
    UdpSessionLimits limits;
    limits.max_sessions = o.settings.udp_max_sessions;
    limits.max_sessions_per_address = o.settings.udp_max_sessions_per_address;
    limits.rate_pps = o.settings.udp_max_rate_pps;
    limits.burst = udp_burst(o.settings.udp_max_rate_pps);
    auto responder = UdpResponder::start(udp_addresses(o), static_cast<std::uint16_t>(o.settings.udp_port), limits,
                                         ctx_.udp_counters);
    if (!responder) return responder.error();
    udp_ = std::move(responder).value();
    ctx_.udp = udp_.get();
  }
  if (!o.settings.webhook_url.empty()) {
    WebhookSenderOptions w;
    w.url = o.settings.webhook_url;
    w.secret = o.settings.webhook_secret;
    w.database = database_target(o);
    w.retry_initial = std::chrono::milliseconds(o.settings.webhook_retry_initial_ms);
    auto sender = WebhookSender::start(std::move(w), ctx_.webhooks);
    if (!sender) return sender.error();
    webhook_ = std::move(sender).value();
    ctx_.webhook_sender = webhook_.get();
  }
  for (auto& l : plain_) l->run();
  for (auto& l : secure_) l->run();
  return {};
}

std::uint16_t Server::http_port(std::size_t listener) const {
  return listener < plain_.size() ? plain_[listener]->port() : 0;
}
std::uint16_t Server::tls_port(std::size_t listener) const {
  return listener < secure_.size() ? secure_[listener]->port() : 0;
}
std::uint16_t Server::udp_port() const { return udp_ ? udp_->port() : 0; }

void Server::run() {
  std::thread probe_thread([this] { run_guarded(probe_ioc_, "probe"); });
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < ctx_.options.threads; ++i) threads.emplace_back([this] { run_guarded(ioc_, "io"); });
  run_guarded(ioc_, "io");
  for (auto& t : threads) t.join();
  probe_thread.join();
}

void Server::stop_on_signals() {
  if (!signals_) signals_.emplace(ioc_, SIGINT, SIGTERM, SIGHUP);
  signals_->async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      // systemd's ExecReload: RELOADING=1 first, READY=1 when done (sd_notify(3)).
      const auto notifier = ServiceNotifier::from_environment();
      const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now().time_since_epoch()).count();  // CLOCK_MONOTONIC
      notifier.send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(now_us));
      const auto outcome = reload_certificate();
      notifier.send("READY=1\nSTATUS=serving; " +
                    (outcome.message.empty() ? std::string("reloaded") : outcome.message));
      return stop_on_signals();  // wait for the next one
    }
    const int grace = ctx_.options.drain_seconds;
    if (draining_ || grace == 0) return stop();  // a second signal, or no grace: now
    drain(std::chrono::seconds(grace));
    stop_on_signals();
  });
}

void Server::drain(std::chrono::seconds grace) {
  if (draining_.exchange(true)) return;
  ctx_.limits.stop_new_tests();
  const int running = ctx_.limits.tests_running();
  if (running == 0 && ctx_.submissions_in_flight.load() == 0) return stop();  // nothing to wait for
  log_event(LogLevel::Info, "drain",
            "stopping: no new tests; " + std::to_string(running) + " running, given up to " +
                std::to_string(grace.count()) + " s to end (a second signal stops at once)");
  ServiceNotifier::from_environment().send("STOPPING=1\nSTATUS=draining " + std::to_string(running) + " tests");
  const auto now = std::chrono::steady_clock::now();
  net::post(ioc_, [this, deadline = now + grace, now] {
    drain_timer_.emplace(ioc_);
    check_drain(deadline, now);
  });
}

void Server::check_drain(std::chrono::steady_clock::time_point deadline,
                         std::chrono::steady_clock::time_point quiet_since) {
  // A test's result is posted just after its lanes close: wait until no
  // test and no submission has been seen for a moment.
  constexpr auto kSettle = std::chrono::seconds(2);
  const auto now = std::chrono::steady_clock::now();
  const bool busy = ctx_.limits.tests_running() > 0 || ctx_.submissions_in_flight.load() > 0;
  if (busy) quiet_since = now;
  if (!busy && now - quiet_since >= kSettle) {
    log_event(LogLevel::Info, "drain", "every running test has ended; stopping");
    return stop();
  }
  if (now >= deadline) {
    const auto told = ctx_.restart_notice.tell_all();
    log_event(LogLevel::Info, "drain",
              "the grace period is over; told " + std::to_string(told) + " lanes the server is restarting");
    drain_timer_->expires_after(std::chrono::seconds(1));  // for the close frames to go out
    return drain_timer_->async_wait([this](beast::error_code ec) {
      if (!ec) stop();
    });
  }
  drain_timer_->expires_after(std::chrono::milliseconds(200));
  drain_timer_->async_wait([this, deadline, quiet_since](beast::error_code ec) {
    if (!ec) check_drain(deadline, quiet_since);
  });
}

namespace {
// A reload or a look at the files: what happened, if anything did (a pair
// refused is an error; a replacement is news).
void log_certificate(const TlsCertificate::Reload& outcome) {
  if (!outcome.message.empty())
    log_event(outcome.replaced ? LogLevel::Info : LogLevel::Error, "tls", outcome.message);
}
}  // namespace

TlsCertificate::Reload Server::reload_certificate() {
  if (!tls_) {
    log_event(LogLevel::Info, "tls", "reload: no HTTPS listener, nothing to reload");
    return {false, ""};
  }
  auto outcome = tls_->reload();
  log_certificate(outcome);
  return outcome;
}

void Server::check_certificate_soon() {
  const int every = ctx_.options.settings.tls_reload_check_seconds;
  if (every <= 0) return;
  if (!tls_check_) tls_check_.emplace(ioc_);
  tls_check_->expires_after(std::chrono::seconds(every));
  tls_check_->async_wait([this](beast::error_code ec) {
    if (ec) return;
    log_certificate(tls_->check());
    check_certificate_soon();
  });
}

void Server::stop() {
  if (webhook_) webhook_->stop();  // abandons a request in flight: the event stays queued
  if (udp_) udp_->stop();
  for (auto& l : plain_) l->close();
  for (auto& l : secure_) l->close();
  if (signals_) {
    beast::error_code ec;
    signals_->cancel(ec);
  }
  // The certificate and drain timers are not touched here (their handlers
  // may be running on another I/O thread): stopping the context abandons
  // their waits, and they go with the server.
  // Stopping the context abandons every session's pending operation; the
  // sessions (and their sockets) are destroyed with the context.
  ioc_.stop();
  probe_work_.reset();
  probe_ioc_.stop();
}

}  // namespace bloatmeter::server
