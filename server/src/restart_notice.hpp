#pragma once
// The lanes a draining server tells "restarting" when its grace period
// ends with tests still running (docs/operator.md, "Running under
// systemd"): each probe lane and household user lane closes with WebSocket
// code 1012 (Service Restart), and the clients say "the test server
// restarted" instead of "the connection was lost". Lanes join when they
// open and leave when they end.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace bloatmeter::server {

class RestartNotice {
 public:
  using Closer = std::function<void()>;  // posts the close to the lane's own strand

  std::uint64_t join(Closer closer) {
    std::lock_guard lock(mutex_);
    lanes_.emplace(++next_, std::move(closer));
    return next_;
  }
  void leave(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    lanes_.erase(id);
  }
  // Tells every open lane; returns how many.
  std::size_t tell_all() {
    std::map<std::uint64_t, Closer> lanes;
    {
      std::lock_guard lock(mutex_);
      lanes.swap(lanes_);
    }
    for (auto& [id, close] : lanes) close();
    return lanes.size();
  }

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, Closer> lanes_;
  std::uint64_t next_ = 0;
};

}  // namespace bloatmeter::server
