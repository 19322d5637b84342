#include "run_options.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace bloatmeter::cli {

std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, const char* command,
                                            OptionSet allowed, std::string& error) {
  RunOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        error = std::string(name) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "--help" || a == "-h") o.help = true;
    else if (a == "--insecure") o.insecure = true;
    else if (a == "--submit") o.submit = true;
    else if (!allowed.rrul && a == "--no-udp") o.udp = false;
    else if (allowed.greedy && a == "--greedy") o.greedy = true;
    else if (allowed.rrul && (a == "-4" || a == "-6")) {
      const auto family = a == "-4" ? IpFamily::V4 : IpFamily::V6;
      if (o.family && *o.family != family) {
        error = "-4 and -6 together: leave both out to test both families";
        return std::nullopt;
      }
      o.family = family;
    } else if (allowed.rrul && a == "--pace-mbps") {
      auto v = value("--pace-mbps");
      if (!v) return std::nullopt;
      int n = 0;
      try {
        std::size_t used = 0;
        n = std::stoi(*v, &used);
        if (used != v->size()) n = 0;
      } catch (const std::exception&) {
        n = 0;
      }
      if (n < 1 || n > 100'000) {
        error = "--pace-mbps needs a whole number of Mbit/s from 1 to 100000";
        return std::nullopt;
      }
      o.pace_mbps = n;
    } else if (allowed.rrul && a == "--flent") {
      auto v = value("--flent");
      if (!v) return std::nullopt;
      o.flent_file = *v;
    }
    else if (a == "--plan") {
      auto v = value("--plan");
      if (!v) return std::nullopt;
      o.plan = *v;
    } else if (a == "--json") {
      auto v = value("--json");
      if (!v) return std::nullopt;
      o.json_file = *v;
    } else if (a.rfind("-", 0) == 0 && a.size() > 1) {
      error = "unknown option '" + a + "'";
      return std::nullopt;
    } else if (o.url.empty()) o.url = a;
    else {
      error = "only one server URL, please (got '" + o.url + "' and '" + a + "')";
      return std::nullopt;
    }
  }
  if (!o.help && o.url.empty()) {
    error = std::string("name the server to test, e.g. bloatmeter ") + command + " http://localhost:8080";
    return std::nullopt;
  }
  return o;
}

std::string iso_utc_ms(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string usage_with_shared_options(const char* own_lines) {
  static constexpr const char* kShared = R"(  --json FILE      write the result file (the browser's format) to FILE
  --no-udp         no UDP series (by default one runs beside the test when
                   the server has a UDP lane: loss and one-way delay each
                   way, not graded)
  --submit         after the test, hand the result to the server's operator
                   (POST /api/results; the server stores it and answers with
                   its id and grade; an aborted run's partial result too)
  --insecure       accept any TLS certificate (self-signed test servers)
  --help           print this help

Ctrl-C stops the test; the partial result is kept, marked aborted.
Exit codes: 0 done, 2 bad command line, 3 server unreachable, 4 test
aborted, 6 not submitted (--submit; the result is kept in a file, named).
)";
  return std::string(own_lines) + kShared;
}

}  // namespace bloatmeter::cli
