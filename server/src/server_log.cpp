#include "server_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace bloatmeter::server {
namespace {

struct TopicBudget {
  double tokens = kLogBurst;
  std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
  unsigned long held_back = 0;
};

std::mutex log_mutex;
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

}  // namespace

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
  std::string line = "bloatmeter-server: ";
  line += level_name(level);
  line += " [";
  line += topic;
  line += "] ";
  // One event, one line: a message carrying a newline (a client's text)
  // cannot forge a second log line.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  if (budget.held_back > 0) {
    line += " (" + std::to_string(budget.held_back) + " similar lines held back)";
    budget.held_back = 0;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  return true;
}

unsigned long log_suppressed_total() {
  std::lock_guard lock(log_mutex);
  return suppressed_total;
}

}  // namespace bloatmeter::server
