// The database layer's own rules: placeholders for PostgreSQL, URIs and
// their masking, server_id, and an older SQLite file moved to the current
// layout (server_id on every row, its rows this server's) with nothing lost.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "bloatmeter/result_json.hpp"
#include "database_setup.hpp"
#include "http_client.hpp"
#include "sample_run.hpp"
#include "database_target.hpp"
#include "postgres_db.hpp"
#include "server.hpp"
#include "server_options.hpp"
#include "sqlite_db.hpp"
#include "test_server.hpp"

using namespace bloatmeter::server;
using namespace bloatmeter::testing;

TEST_CASE("PostgreSQL placeholders: ?N keeps its number, ? counts, quoted text is left alone") {
  CHECK(postgres_placeholders("SELECT ?1, ?2, ?12") == "SELECT $1, $2, $12");
  CHECK(postgres_placeholders("a = ? AND b BETWEEN ? AND ?") == "a = $1 AND b BETWEEN $2 AND $3");
  CHECK(postgres_placeholders("VALUES (?2, ?1, '1?')") == "VALUES ($2, $1, '1?')");
  CHECK(postgres_placeholders("WHERE x = 'it''s?' AND y = ?") == "WHERE x = 'it''s?' AND y = $1");
}

TEST_CASE("telemetry_database: a PostgreSQL URI, checked, its password never shown") {
  CHECK(masked_postgres_uri("postgresql://bm:s3cret@db.example:5432/fleet") == "postgresql://bm:******@db.example:5432/fleet");
  CHECK(masked_postgres_uri("postgresql://bm@db.example/fleet") == "postgresql://bm@db.example/fleet");
  CHECK(masked_postgres_uri("postgresql://db.example/fleet?user=bm&password=s3cret&sslmode=require") ==
        "postgresql://db.example/fleet?user=bm&password=******&sslmode=require");
  CHECK(masked_postgres_uri("postgresql://bm:pa?ss@db.example/fleet") == "postgresql://bm:******@db.example/fleet");
  CHECK(masked_postgres_uri("host=db password=k3yw0rd").find("k3yw0rd") == std::string::npos);
  CHECK(check_postgres_uri("postgresql://bm@127.0.0.1:5432/fleet").empty());
  // Errors never echo the text: it may hold a password in any form.
  CHECK(check_postgres_uri("host=db password=k3yw0rd").find("k3yw0rd") == std::string::npos);
  CHECK(check_postgres_uri("postgresql://bm:p%zzword@db/fleet").find("p%zz") == std::string::npos);
  CHECK_FALSE(check_postgres_uri("postgresql://bm:p%zzword@db/fleet").empty());
  CHECK(check_postgres_uri("mysql://x/y").find("expected a PostgreSQL URI") == 0);
  CHECK_FALSE(check_postgres_uri("postgresql://bm@127.0.0.1:5432/fleet?nosuchoption=1").empty());

  const auto dir = make_temp_dir("dbconf");
  const auto parse = [&](const std::string& config) {
    write_file(dir / "c.conf", config);
    return parse_server_options({"--config", (dir / "c.conf").string()});
  };
  const auto pg = parse("telemetry_database = postgresql://bm:s3cret@127.0.0.1:5432/fleet\nserver_id = fra-1\n");
  REQUIRE_MESSAGE(pg.ok(), pg.error());
  CHECK(database_target(pg.value()).shared());
  CHECK(database_target(pg.value()).server_id == "fra-1");
  CHECK(database_target(pg.value()).shown().find("s3cret") == std::string::npos);
  const auto bad = parse("telemetry_database = mysql://bm:s3cret@db/x\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("telemetry_database: expected a PostgreSQL URI") != std::string::npos);
  CHECK(bad.error().find("s3cret") == std::string::npos);
  CHECK(parse("server_id = has space\n").error().find("server_id: 1 to 64") != std::string::npos);
  CHECK(parse("server_id = " + std::string(65, 'a') + "\n").error().find("server_id: 1 to 64") != std::string::npos);
  const auto plain = parse("sponsor_name = x\n");
  REQUIRE(plain.ok());
  CHECK_FALSE(database_target(plain.value()).shared());
  CHECK_FALSE(plain.value().settings.server_id.empty());  // the host name
  fs::remove_all(dir);
}

TEST_CASE("an older SQLite file gains server_id, its rows this server's, and nothing is lost") {
  const auto dir = make_temp_dir("dbmigrate");
  const auto file = dir / "bloatmeter.sqlite";
  {
    // The layout before server_id, with a row in each table.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
    const char* old_layout = R"sql(
      CREATE TABLE results (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, client_ip TEXT NOT NULL,
        user_agent TEXT NOT NULL, overall TEXT NOT NULL, summary_json TEXT NOT NULL, document_json TEXT NOT NULL);
      CREATE TABLE telemetry (seq INTEGER PRIMARY KEY AUTOINCREMENT, result_id TEXT NOT NULL, created_at TEXT NOT NULL,
        created_unix INTEGER NOT NULL, client_kind TEXT NOT NULL, client_version TEXT NOT NULL, mode TEXT NOT NULL,
        plan TEXT NOT NULL, client_ip TEXT NOT NULL, ip_v6 INTEGER, ip_key BLOB, aborted INTEGER NOT NULL,
        grade TEXT NOT NULL, baseline_ms REAL, loaded_ms REAL, increase_ms REAL, download_mbps REAL, upload_mbps REAL,
        rpm REAL, details_json TEXT NOT NULL);
      CREATE TABLE webhook_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, result_id TEXT NOT NULL,
        created_unix INTEGER NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_unix REAL NOT NULL, last_error TEXT NOT NULL DEFAULT '');
      CREATE TABLE webhook_status (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO results VALUES ('r1', '2026-01-01T00:00:00Z', '192.0.2.1', 'ua', 'B', '{}', '{}');
      INSERT INTO telemetry (result_id, created_at, created_unix, client_kind, client_version, mode, plan, client_ip,
        aborted, grade, details_json) VALUES ('r1', '2026-01-01T00:00:00Z', 1767225600, 'browser', '0.1.0', 'single',
        'standard', '192.0.2.1', 0, 'B', '{}');
      INSERT INTO webhook_outbox (result_id, created_unix, body, next_attempt_unix) VALUES ('r1', 1767225600, '{}', 0);
      INSERT INTO webhook_status VALUES ('delivered', '7');
    )sql";
    REQUIRE(sqlite3_exec(raw, old_layout, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  for (int pass = 0; pass < 2; ++pass) {  // a second start changes nothing
    auto db = SqliteDb::open(file);
    REQUIRE(db.ok());
    REQUIRE(ensure_schema(*db.value(), "gamma").empty());
  }
  auto db = SqliteDb::open(file);
  REQUIRE(db.ok());
  const auto one = [&](const char* sql) {
    auto q = db.value()->prepare(sql);
    REQUIRE(q.ok());
    REQUIRE(q.value().step() == Step::Row);
    return q.value().text(0);
  };
  CHECK(one("PRAGMA user_version") == "1");
  CHECK(one("SELECT group_concat(server_id) FROM results") == "gamma");
  CHECK(one("SELECT group_concat(server_id || ':' || result_id || ':' || grade) FROM telemetry") == "gamma:r1:B");
  CHECK(one("SELECT group_concat(server_id) FROM webhook_outbox") == "gamma");
  CHECK(one("SELECT group_concat(server_id || ':' || key || ':' || value) FROM webhook_status") == "gamma:delivered:7");
  CHECK(one("SELECT COUNT(*) FROM sqlite_master WHERE name = 'telemetry_by_server'") == "1");
  // Renamed (a container made again gets a new host name): the box's own
  // file goes on under the new name, its waiting events and their status
  // too; its rows keep the name they were stored under.
  REQUIRE(ensure_schema(*db.value(), "delta").empty());
  CHECK(one("SELECT group_concat(server_id) FROM webhook_outbox") == "delta");
  CHECK(one("SELECT group_concat(server_id || ':' || key || ':' || value) FROM webhook_status") == "delta:delivered:7");
  CHECK(one("SELECT group_concat(server_id) FROM telemetry") == "gamma");
  fs::remove_all(dir);
}

TEST_CASE("a new SQLite file starts in the current layout; the API's rows and export name their server") {
  const std::string key = "database-test-key-0123456789";
  TestServer srv(false, {}, "server_id = box-7\ntelemetry_api_key = " + key + "\n");
  CHECK(request(srv.port(), http::verb::post, "/api/results", bloatmeter::serialize_result(sample_run())).result() ==
        http::status::created);
  const auto recent = request(srv.port(), http::verb::get, "/api/telemetry/recent", {},
                              {{http::field::authorization, "Bearer " + key}});
  REQUIRE(recent.result() == http::status::ok);
  const auto rows = nlohmann::json::parse(recent.body())["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["server_id"] == "box-7");
  const auto csv = request(srv.port(), http::verb::get, "/api/telemetry/export.csv", {},
                           {{http::field::authorization, "Bearer " + key}});
  CHECK(csv.body().find(",rpm,server_id\r\n") != std::string::npos);
  CHECK(csv.body().find(",box-7\r\n") != std::string::npos);
  auto db = SqliteDb::open(srv.root() / "data" / "bloatmeter.sqlite", /*read_only=*/true);
  REQUIRE(db.ok());
  auto q = db.value()->prepare("PRAGMA user_version");
  REQUIRE(q.ok());
  REQUIRE(q.value().step() == Step::Row);
  CHECK(q.value().integer(0) == 1);
}

TEST_CASE("servers_file: a fleet's list kept outside the web folder, served as /servers.json, checked at start") {
  const auto dir = make_temp_dir("serversfile");
  const std::string list =
      R"({"format": "bloatmeter-servers", "version": 1, "servers": [{"name": "Fra", "url": "https://fra.example.net", )"
      R"("telemetry_home": true}]})";
  write_file(dir / "servers.json", list);
  TestServer srv(false, {}, "servers_file = " + (dir / "servers.json").string() + "\n");
  const auto got = request(srv.port(), http::verb::get, "/servers.json");
  CHECK(got.result() == http::status::ok);
  CHECK(got.body() == list);
  CHECK(got[http::field::content_type] == "application/json");
  CHECK(request(srv.port(), http::verb::post, "/servers.json", "x").result() == http::status::method_not_allowed);

  write_file(dir / "bad.json", R"({"format": "bloatmeter-servers", "version": 1, "servers": [{"name": "Fra", "url": "fra"}]})");
  write_file(dir / "bad.conf", "servers_file = " + (dir / "bad.json").string() + "\n");
  auto opts = parse_server_options({"--listen", "127.0.0.1:0", "--web-root", srv.root().string() + "/web", "--data-dir",
                                    (dir / "data").string(), "--config", (dir / "bad.conf").string()});
  REQUIRE(opts.ok());
  Server bad(std::move(opts.value()));
  const auto err = bad.start();
  CHECK(err.find("servers_file " + (dir / "bad.json").string() + ": servers.json: servers[0].url") == 0);
  fs::remove_all(dir);
}
