#pragma once
// The RRUL tests a server runs (docs/protocol.md, "RRUL"). A test opens
// with POST /api/rrul, which holds a test's place (ClientLimits) and one of
// rrul_max_tests places: RRUL loads a line with 16 marked flows, and a
// server that runs two at once measures itself. Its id (128 random bits, a
// bearer secret like a UDP token) lets the test's lanes (/ws/bulk-*,
// /ws/probe with ?rrul=ID) join it without a test place of their own, and
// GET /api/rrul/ID report the server's CPU and the marking each of its TCP
// flows carries. A test ends with DELETE /api/rrul/ID or at its deadline.
// One table under a mutex, touched when a lane opens and once a second
// per test, never per packet.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/native/cpu_sampler.hpp"
#include "bloatmeter/outcome.hpp"
#include "client_limits.hpp"

namespace bloatmeter::server {

class RrulRegistry {
 public:
  using Clock = std::chrono::steady_clock;

  struct Grant {
    std::string id;
    std::chrono::milliseconds lifetime{0};
  };
  // Opens a test lasting `lifetime` holding `lease`; refused (why) when
  // max_tests are running.
  Outcome<Grant> open(ClientLimits::TestLease lease, std::chrono::milliseconds lifetime, int max_tests);
  // The test is live (opened, not closed, before its deadline).
  bool live(const std::string& id);
  // A lane of the test carries flow `flow` marked `dscp_set` (read back from
  // its socket; nothing when the system would not say).
  void note_flow(const std::string& id, int flow, std::optional<int> dscp_set);

  struct FlowMark {
    int flow = 0;
    std::optional<int> dscp_set;
  };
  struct Status {
    std::optional<native::CpuShare> cpu;  // since the previous status of this test
    std::vector<FlowMark> flows;
    std::chrono::milliseconds left{0};
  };
  std::optional<Status> status(const std::string& id);
  // Ends the test now; false when there was none.
  bool close(const std::string& id);
  int running();

 private:
  struct Entry {
    Clock::time_point deadline;
    ClientLimits::TestLease lease;
    native::CpuSampler cpu;
    std::map<int, std::optional<int>> flows;
  };
  void sweep_locked(Clock::time_point now);

  std::mutex mutex_;
  std::map<std::string, Entry> tests_;
};

}  // namespace bloatmeter::server
