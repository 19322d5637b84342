#include "server_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace bloatmeter::server {
namespace {

struct TopicBudget {
  double tokens = kLogBurst;
  std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
  unsigned long held_back = 0;
};

std::mutex log_mutex;
LogFormat log_format = LogFormat::Text;
std::map<std::string, TopicBudget, std::less<>> budgets;
unsigned long suppressed_total = 0;

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "error";
}

// "2026-12-06T20:34:29.123Z": journald stamps text lines itself, but a
// JSON line travels to pipelines that do not.
std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[80];  // room for any int in every field: GCC cannot bound tm's, and warns on less
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return text;
}

// A client's text in a text line: one event, one line (a newline cannot
// forge a second one), no control characters.
void append_printable(std::string& line, std::string_view text) {
  for (char c : text) line += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
}

std::string json_line(nlohmann::json object) {
  // Invalid UTF-8 from a client is replaced, never thrown on.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void set_log_format(LogFormat format) {
  std::lock_guard lock(log_mutex);
  log_format = format;
}

bool log_event(LogLevel level, std::string_view topic, std::string_view message) {
  std::lock_guard lock(log_mutex);
  auto it = budgets.find(topic);
  if (it == budgets.end()) it = budgets.emplace(std::string(topic), TopicBudget{}).first;
  auto& budget = it->second;
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - budget.refilled).count();
  budget.tokens = std::min<double>(kLogBurst, budget.tokens + seconds / kLogRefillSeconds);
  budget.refilled = now;
  if (budget.tokens < 1) {
    ++budget.held_back;
    ++suppressed_total;
    return false;
  }
  budget.tokens -= 1;
  if (log_format == LogFormat::Json) {
    nlohmann::json object{{"time", utc_now()}, {"level", level_name(level)}, {"topic", topic}, {"message", message}};
    if (budget.held_back > 0) object["held_back"] = budget.held_back;
    budget.held_back = 0;
    write_line(json_line(std::move(object)));
    return true;
  }
  std::string line = "bloatmeter-server: ";
  line += level_name(level);
  line += " [";
  line += topic;
  line += "] ";
  append_printable(line, message);
  if (budget.held_back > 0) {
    line += " (" + std::to_string(budget.held_back) + " similar lines held back)";
    budget.held_back = 0;
  }
  line += '\n';
  write_line(line);
  return true;
}

void log_access(const AccessRecord& r) {
  std::lock_guard lock(log_mutex);
  if (log_format == LogFormat::Json) {
    write_line(json_line({{"time", utc_now()},
                          {"level", "info"},
                          {"topic", "access"},
                          {"client", r.client_ip},
                          {"method", r.method},
                          {"path", r.path},
                          {"status", r.status},
                          {"bytes", r.bytes},
                          {"ms", static_cast<double>(static_cast<long long>(r.milliseconds * 10)) / 10},
                          {"tls", r.tls},
                          {"complete", r.complete}}));
    return;
  }
  char figures[96];
  std::snprintf(figures, sizeof figures, "\" %u %llu B %.1f ms%s%s", r.status,
                static_cast<unsigned long long>(r.bytes), r.milliseconds, r.tls ? " tls" : "",
                r.complete ? "" : " (client left)");
  std::string line = "bloatmeter-server: info [access] ";
  append_printable(line, r.client_ip);
  line += " \"";
  append_printable(line, r.method);
  line += ' ';
  append_printable(line, r.path);
  line += figures;
  line += '\n';
  write_line(line);
}

unsigned long log_suppressed_total() {
  std::lock_guard lock(log_mutex);
  return suppressed_total;
}

}  // namespace bloatmeter::server
