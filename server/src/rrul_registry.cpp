#include "rrul_registry.hpp"

#include <openssl/rand.h>

#include "bloatmeter/udp_probe_wire.hpp"

namespace bloatmeter::server {

void RrulRegistry::sweep_locked(Clock::time_point now) {
  for (auto it = tests_.begin(); it != tests_.end();)
    it = it->second.deadline <= now ? tests_.erase(it) : std::next(it);
}

Outcome<RrulRegistry::Grant> RrulRegistry::open(ClientLimits::TestLease lease, std::chrono::milliseconds lifetime,
                                                int max_tests) {
  using R = Outcome<Grant>;
  udp_probe_wire::Token bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return R::failure("the server could not make an id (its random generator failed)");
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  sweep_locked(now);
  if (static_cast<int>(tests_.size()) >= max_tests)
    return R::failure("an RRUL test is running already (rrul_max_tests " + std::to_string(max_tests) +
                      "): two at once would measure the server, not the line");
  Grant grant{udp_probe_wire::token_text(bytes), lifetime};
  tests_.emplace(grant.id, Entry{now + lifetime, std::move(lease), native::CpuSampler{}, {}});
  return R::success(grant);
}

bool RrulRegistry::live(const std::string& id) {
  std::lock_guard lock(mutex_);
  sweep_locked(Clock::now());
  return tests_.count(id) == 1;
}

void RrulRegistry::note_flow(const std::string& id, int flow, std::optional<int> dscp_set) {
  std::lock_guard lock(mutex_);
  const auto it = tests_.find(id);
  if (it == tests_.end() || it->second.flows.size() >= 256) return;
  it->second.flows[flow] = dscp_set;
}

std::optional<RrulRegistry::Status> RrulRegistry::status(const std::string& id) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  sweep_locked(now);
  const auto it = tests_.find(id);
  if (it == tests_.end()) return std::nullopt;
  Status s;
  s.cpu = it->second.cpu.sample();
  for (const auto& [flow, dscp] : it->second.flows) s.flows.push_back({flow, dscp});
  s.left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.deadline - now);
  return s;
}

bool RrulRegistry::close(const std::string& id) {
  std::lock_guard lock(mutex_);
  return tests_.erase(id) == 1;
}

int RrulRegistry::running() {
  std::lock_guard lock(mutex_);
  sweep_locked(Clock::now());
  return static_cast<int>(tests_.size());
}

}  // namespace bloatmeter::server
