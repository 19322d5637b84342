// Where the server's settings come from (config_sources.hpp): the search
// path and its order, environment fallbacks, unknown keys, invalid values,
// and --check-config on the real binary.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <map>

#include "config_sources.hpp"
#include "server_options.hpp"
#include "test_server.hpp"

using namespace bloatmeter::server;
using namespace bloatmeter::testing;

namespace {

ConfigEnvironment environment(std::vector<fs::path> search, std::map<std::string, std::string> variables) {
  ConfigEnvironment env;
  env.search_path = std::move(search);
  env.variable = [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  return env;
}

struct Run {
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs the server binary through the shell (for its environment and exit
// code); `env` is "NAME=value ..." put before it.
Run run_server(const std::string& env, const std::string& args) {
  const std::string command = env + " " + BLOATMETER_SERVER_BIN + " " + args + " 2>&1 </dev/null";
  Run r;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[512];
  while (const auto n = fread(buf, 1, sizeof buf, pipe)) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kKey = "0123456789abcdef0123456789abcdef";

}  // namespace

TEST_CASE("config: both default files are read, the later one's keys win, missing ones are skipped") {
  const auto dir = make_temp_dir("cfg");
  write_file(dir / "lqos_test.conf", "sponsor_name=Seed ISP\nsponsor_city=Gent\nwebhook_url=https://a.example/hook\n"
                                     "webhook_secret=seed-secret-0123456789\n");
  write_file(dir / "bloatmeter.conf", "sponsor_name=New ISP\nresult_retention=50\n");
  const auto env = environment({dir / "lqos_test.conf", dir / "missing.conf", dir / "bloatmeter.conf"},
                               {{"SPONSOR_NAME", "From Env"}, {"SPONSOR_URL", "https://env.example"}});
  auto loaded = load_config({}, env);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  const auto& c = loaded.value();
  CHECK(c.values.at("sponsor_name") == "New ISP");  // the later file's
  CHECK(c.values.at("sponsor_city") == "Gent");     // only the first file's
  CHECK(c.values.at("result_retention") == "50");
  CHECK(c.values.at("sponsor_url") == "https://env.example");  // no file set it: the variable
  CHECK(c.origins.at("sponsor_name") == (dir / "bloatmeter.conf").string() + " line 1");
  CHECK(c.origins.at("sponsor_url") == "environment variable SPONSOR_URL");
  REQUIRE(c.files.size() == 2);
  CHECK(c.files[0] == dir / "lqos_test.conf");
  CHECK(c.warnings.empty());

  // --config names the only file: the default files are not read, the
  // variables still fill in.
  auto only = load_config(dir / "bloatmeter.conf", env);
  REQUIRE(only.ok());
  CHECK(only.value().values.at("sponsor_name") == "New ISP");
  CHECK(only.value().values.count("sponsor_city") == 0);
  CHECK(only.value().values.at("sponsor_url") == "https://env.example");
  fs::remove_all(dir);
}

TEST_CASE("config: every known key falls back to its upper-case variable") {
  std::map<std::string, std::string> variables;
  CHECK(config_variable_name("telemetry_api_key") == "TELEMETRY_API_KEY");
  variables["TELEMETRY_API_KEY"] = kKey;
  variables["WEBHOOK_URL"] = "https://hooks.example.net/x";
  variables["WEBHOOK_SECRET"] = "webhook-secret-0123456789";
  variables["TELEMETRY_MAX_ROWS"] = "500";
  variables["TRUSTED_PROXIES"] = "10.0.0.0/8";
  variables["SPONSOR_CITY"] = "";  // empty counts as unset
  auto o = parse_server_options({}, environment({}, variables));
  REQUIRE_MESSAGE(o.ok(), o.error());
  CHECK(o.value().settings.telemetry_api_key == kKey);
  CHECK(o.value().settings.webhook_url == "https://hooks.example.net/x");
  CHECK(o.value().settings.telemetry_max_rows == 500);
  CHECK(o.value().settings.trusted_proxies.size() == 1);
  CHECK(o.value().config_values.count("sponsor_city") == 0);

  // A bad value from a variable names the variable.
  auto bad = parse_server_options({}, environment({}, {{"TELEMETRY_MAX_AGE_DAYS", "-1"}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("environment variable TELEMETRY_MAX_AGE_DAYS: telemetry_max_age_days") == 0);
  auto latin1 = parse_server_options({}, environment({}, {{"SPONSOR_CITY", "Li\xe8ge"}}));
  CHECK(latin1.error() == "environment variable SPONSOR_CITY: not valid UTF-8 text");
  // Tests' own default: no files, no variables.
  CHECK(parse_server_options({}).value().config_sources.files.empty());
}

TEST_CASE("config: unknown keys warn with the file and line; bad values name where they were set") {
  const auto dir = make_temp_dir("cfg");
  write_file(dir / "a.conf", "# ISP\nsponsor_name=X\n\nsponsr_city=Gent\nsponsor_name=Y\n");
  auto o = parse_server_options({"--config", (dir / "a.conf").string()});
  REQUIRE_MESSAGE(o.ok(), o.error());
  const auto& warnings = o.value().config_sources.warnings;
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == (dir / "a.conf").string() + " line 4: unknown key 'sponsr_city' (ignored)");
  CHECK(warnings[1].find(" line 5: 'sponsor_name' again (line 2's value is replaced)") != std::string::npos);
  CHECK(o.value().config_values.at("sponsor_name") == "Y");

  write_file(dir / "bad.conf", "sponsor_name=X\ntelemetry_max_rows=-5\n");
  CHECK(parse_server_options({"--config", (dir / "bad.conf").string()}).error() ==
        (dir / "bad.conf").string() + " line 2: telemetry_max_rows: expected an integer from 1 to 100000000, got '-5'");
  write_file(dir / "url.conf", "webhook_url=ftp://x\nwebhook_secret=webhook-secret-0123456789\n");
  CHECK(parse_server_options({"--config", (dir / "url.conf").string()}).error().find(" line 1: webhook_url: 'ftp://x'") !=
        std::string::npos);
  write_file(dir / "latin1.conf", "sponsor_name=X\nsponsor_city=Li\xe8ge\n");
  CHECK(parse_server_options({"--config", (dir / "latin1.conf").string()}).error().find("line 2: not valid UTF-8") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("the binary: warnings on stderr, exit 2 on a bad value, --check-config masks secrets") {
  const auto dir = make_temp_dir("cfg");
  write_file(dir / "good.conf", "sponsor_name=\"Example Net\"\ncolour=blue\ntelemetry_api_key=" + kKey + "\n");
  write_file(dir / "bad.conf", "telemetry_store_ip=everything\n");
  const std::string no_files = std::string(kConfigSearchPathVariable) + "=";

  auto check = run_server(no_files + " SPONSOR_CITY=Gent", "--check-config " + (dir / "good.conf").string());
  INFO(check.output);
  CHECK(check.status == 0);
  CHECK(check.output.find("warning: " + (dir / "good.conf").string() + " line 2: unknown key 'colour'") !=
        std::string::npos);
  CHECK(check.output.find("\ntelemetry_api_key = ****** (set, 32 characters)\n") != std::string::npos);
  CHECK(check.output.find(kKey) == std::string::npos);
  CHECK(check.output.find("\nsponsor_name = Example Net\n") != std::string::npos);
  CHECK(check.output.find("\nsponsor_city = Gent\n") != std::string::npos);
  CHECK(check.output.find("# from environment variables: SPONSOR_CITY") != std::string::npos);
  CHECK(check.output.find("\nresult_retention = 1000\n") != std::string::npos);  // a default
  for (const auto& key : known_config_keys()) CHECK_MESSAGE(check.output.find("\n" + key + " = ") != std::string::npos, key);

  auto bad = run_server(no_files, "--check-config " + (dir / "bad.conf").string());
  CHECK(bad.status == 2);
  CHECK(bad.output.find("bad.conf line 1: telemetry_store_ip: expected full, prefix or none") != std::string::npos);

  // A start without --config reads the search path: its bad file stops it
  // before anything listens.
  auto start = run_server(std::string(kConfigSearchPathVariable) + "=" + (dir / "missing.conf").string() + ":" +
                              (dir / "bad.conf").string(),
                          "--listen 127.0.0.1:0");
  CHECK(start.status == 2);
  CHECK(start.output.find((dir / "bad.conf").string() + " line 1: telemetry_store_ip") != std::string::npos);
  CHECK(run_server(no_files, "--help").output.find("BLOATMETER_CONFIG_SEARCH_PATH") != std::string::npos);
  fs::remove_all(dir);
}
