#pragma once
// The server's tunable limits, read from the config file's key=value
// settings and checked once at load: a bad value stops the start with a
// message naming the key, never a surprise later.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "bloatmeter/outcome.hpp"
#include "client_address.hpp"

namespace bloatmeter::server {

struct ServerSettings {
  // result_retention: how many results the database keeps (newest first).
  std::size_t result_retention = 1000;
  // max_concurrent_submissions: POST /api/results being read, queued or
  // stored at once (each may hold up to 8 MiB); more get 503 + Retry-After.
  int max_concurrent_submissions = 8;
  // request_timeout_seconds: a request's header and body must arrive within
  // this (a slowloris client is dropped).
  int request_timeout_seconds = 30;
  // idle_timeout_seconds: a kept-alive connection waits this long for its
  // next request.
  int idle_timeout_seconds = 30;
  // write_stall_seconds: a response whose reader takes nothing for this long
  // is abandoned (each piece written resets the clock).
  int write_stall_seconds = 30;
  // max_transfer_seconds: the longest any one response may take, however
  // steadily it is read (a test's download phase lasts seconds).
  int max_transfer_seconds = 300;
  // max_connections, max_connections_per_address: open connections in all
  // and from one address (IPv6: one /64). One more gets 503 + Retry-After.
  // A browser's test holds up to 34 (a probe lane, 16 streams each way,
  // a request or two).
  int max_connections = 4096;
  int max_connections_per_address = 256;
  // max_tests, max_tests_per_address: tests running at once (a test is
  // its probe lane); more are refused with 503 + Retry-After, so a test the
  // server could not measure never starts.
  int max_tests = 200;
  int max_tests_per_address = 16;
  // max_streams_per_test: load streams (/ws/bulk-download and -upload) an
  // address may hold open per test it runs; a plan opens at most 16 each
  // way at once, so 32 never refuses a real client. More get 503.
  int max_streams_per_test = 32;
  // max_test_seconds: the longest any WebSocket lane stays open (a plan is
  // 40 s; a lane kept alive by pings is closed at this deadline).
  int max_test_seconds = 120;
  // submissions_per_minute_per_address: POST /api/results per address per
  // sliding minute; more get 429 + Retry-After.
  int submissions_per_minute_per_address = 20;
  // ---- The UDP probe lane (docs/protocol.md, "UDP probe lane") ----
  // udp_port: the UDP responder's port, at the HTTP listeners' addresses
  // (IPv4 and IPv6 as they are); 0: no UDP lane. Off by default: a server
  // opens no UDP port its operator did not ask for (8081 is our
  // suggestion; open it for UDP in the firewall).
  int udp_port = 0;
  // udp_max_rate_pps: a session's datagrams per second, on average, with
  // bursts of half a second's worth (at least 10); more are dropped and
  // counted. 200 leaves room for a 100 Hz probe lane.
  int udp_max_rate_pps = 200;
  // udp_max_sessions, udp_max_sessions_per_address: UDP sessions live at
  // once, in all and per address (IPv6: its /64). One more gets 503.
  int udp_max_sessions = 1024;
  int udp_max_sessions_per_address = 8;
  // rrul_max_tests: RRUL tests (POST /api/rrul) running at once. Each loads
  // the server with 16 marked flows and 12 UDP streams; two at once would
  // measure the server, so one more gets 503.
  int rrul_max_tests = 1;
  // tls_reload_check_seconds: how often the HTTPS certificate and key files
  // are looked at for a change (a certbot renewal) and the server's own
  // self-signed certificate for nearing its expiry; 0: only on SIGHUP.
  int tls_reload_check_seconds = 60;
  // allowed_origins: web origins, besides the server's own, whose pages may
  // open WebSockets, POST to the server and frame its page (space or comma
  // separated, e.g. "https://www.example.net"); "*" allows any. Pages of
  // the origins listed by name may also read the API's answers (CORS,
  // cors.hpp), as a fleet's page does on its other servers.
  std::vector<std::string> allowed_origins;
  // connect_origins: the other servers this server's page may talk to (a
  // fleet's servers.json): added, with their WebSocket twins, to the
  // Content-Security-Policy's connect-src.
  std::vector<std::string> connect_origins;

  // ---- The operator's side (docs/operator.md) ----
  // telemetry_api_key: the key of /api/telemetry/* (Authorization: Bearer
  // KEY or X-API-Key: KEY). Empty: the telemetry API is closed (403).
  std::string telemetry_api_key;
  // telemetry_allow_query_key: also accept ?api_key=KEY (off: keys in URLs
  // end up in logs).
  bool telemetry_allow_query_key = false;
  // telemetry_store_ip: what a telemetry row keeps of the client's address.
  IpKeeping telemetry_store_ip = IpKeeping::Full;  // prefix: /24 (IPv4), /56 (IPv6)
  // telemetry_max_rows, telemetry_max_age_days: retention of telemetry rows.
  std::size_t telemetry_max_rows = 100'000;
  int telemetry_max_age_days = 365;
  // trusted_proxies: CIDRs whose X-Forwarded-For / Forwarded headers name
  // the client (a reverse proxy in front of the server); others' are ignored.
  std::vector<IpPrefix> trusted_proxies;
  // webhook_url (http:// or https://), webhook_secret: every completed test
  // is posted there, signed with the secret.
  std::string webhook_url;
  std::string webhook_secret;
  // webhook_retry_initial_ms: the delay before a failed event's first retry;
  // each further retry doubles it (up to 10 minutes, ±20% jitter). The
  // default suits receivers; tests lower it so an outage costs them seconds.
  int webhook_retry_initial_ms = 1000;
  // metrics_token: when set, GET /metrics needs Authorization: Bearer TOKEN.
  std::string metrics_token;
  // telemetry_database: empty (or "sqlite") for the box's own SQLite file
  // under the data folder; a PostgreSQL URI
  // (postgresql://user@host:port/database) for a fleet's shared one.
  std::string telemetry_database;
  // server_id: this server's name in the rows it stores (1-64 of A-Z a-z
  // 0-9 . _ -); the host name by default.
  std::string server_id;
  // servers_file: a fleet's servers.json kept outside the web folder (which
  // a package upgrade replaces), served as /servers.json; checked at start.
  std::string servers_file;
};

// Every key a config file may hold (the settings above, sponsor_*), for the
// warning on an unknown one.
const std::vector<std::string>& known_config_keys();
// The keys whose values are secrets (masked when settings are printed).
bool is_secret_config_key(const std::string& key);

// Every key this file knows, for the others' (sponsor_*) sake: unknown keys
// are not refused here.
Outcome<ServerSettings> settings_from_config(const std::map<std::string, std::string>& values);

}  // namespace bloatmeter::server
