#include "client_limits.hpp"

#include <algorithm>

namespace bloatmeter::server {

std::string limit_key(net::ip::address address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  if (address.is_v4()) return address.to_string();
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return net::ip::address_v6(bytes).to_string() + "/64";
}

std::string limit_key_of(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("?") : limit_key(endpoint.address());
}

ClientLimits::Connection::Connection(ClientLimits& limits, std::string key) : limits_(limits), key_(std::move(key)) {
  std::lock_guard lock(limits_.mutex_);
  auto& entry = limits_.clients_[key_];
  if (limits_.connections_ >= limits_.settings_.max_connections)
    over_limit_ = "the server has " + std::to_string(limits_.connections_) + " connections (max_connections)";
  else if (entry.connections >= limits_.settings_.max_connections_per_address)
    over_limit_ = "your address has " + std::to_string(entry.connections) +
                  " connections open (max_connections_per_address)";
  ++entry.connections;
  ++limits_.connections_;
}

ClientLimits::Connection::~Connection() {
  std::lock_guard lock(limits_.mutex_);
  --limits_.connections_;
  const auto it = limits_.clients_.find(key_);
  if (it == limits_.clients_.end()) return;
  --it->second.connections;
  limits_.forget_if_unused(it);
}

void ClientLimits::release(LeaseKind kind, const std::string& key) {
  std::lock_guard lock(mutex_);
  if (kind == LeaseKind::Test) --tests_;
  const auto it = clients_.find(key);
  if (it == clients_.end()) return;
  --(kind == LeaseKind::Test ? it->second.tests : it->second.streams);
  forget_if_unused(it);
}

std::string ClientLimits::refusal_locked(int tests_of_key) const {
  if (stopping_) return kRestartingRefusal;
  if (tests_ >= settings_.max_tests)
    return "the server is running " + std::to_string(tests_) + " tests, its most (max_tests)";
  if (tests_of_key >= settings_.max_tests_per_address)
    return "your address is running " + std::to_string(tests_of_key) + " tests already (max_tests_per_address)";
  return {};
}

std::optional<ClientLimits::TestLease> ClientLimits::start_test(const std::string& key, std::string& why) {
  std::lock_guard lock(mutex_);
  auto& entry = clients_[key];
  why = refusal_locked(entry.tests);
  if (why.empty()) {
    ++entry.tests;
    ++tests_;
    return TestLease(*this, key);
  }
  forget_if_unused(clients_.find(key));
  return std::nullopt;
}

std::optional<ClientLimits::StreamLease> ClientLimits::start_stream(const std::string& key, std::string& why) {
  std::lock_guard lock(mutex_);
  auto& entry = clients_[key];
  const int allowed = settings_.max_streams_per_test * std::max(entry.tests, 1);
  if (entry.streams < allowed) {
    ++entry.streams;
    why.clear();
    return StreamLease(*this, key);
  }
  why = "your address has " + std::to_string(entry.streams) + " load streams open for " +
        std::to_string(entry.tests) + " test(s) (max_streams_per_test)";
  forget_if_unused(clients_.find(key));
  return std::nullopt;
}

std::string ClientLimits::test_refusal(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(key);
  return refusal_locked(it == clients_.end() ? 0 : it->second.tests);
}

void ClientLimits::stop_new_tests() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
}

bool ClientLimits::stopping_new_tests() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

int ClientLimits::tests_running() const {
  std::lock_guard lock(mutex_);
  return tests_;
}

bool ClientLimits::submission_allowed(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = clients_.try_emplace(key).first;
  auto& times = it->second.submissions;
  while (!times.empty() && now - times.front() >= std::chrono::minutes(1)) times.pop_front();
  if (static_cast<int>(times.size()) >= settings_.submissions_per_minute_per_address) return false;
  times.push_back(now);
  return true;
}

void ClientLimits::forget_if_unused(std::unordered_map<std::string, Entry>::iterator it) {
  if (it == clients_.end()) return;
  // Submissions older than a minute no longer count: an address is
  // forgotten once its connections close and its minute has passed.
  auto& times = it->second.submissions;
  const auto now = std::chrono::steady_clock::now();
  while (!times.empty() && now - times.front() >= std::chrono::minutes(1)) times.pop_front();
  if (it->second.unused()) clients_.erase(it);
}

}  // namespace bloatmeter::server
