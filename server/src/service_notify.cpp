#include "service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace bloatmeter::server {

ServiceNotifier ServiceNotifier::from_environment() {
  ServiceNotifier notifier;
  if (const char* path = std::getenv("NOTIFY_SOCKET"); path && (path[0] == '/' || path[0] == '@'))
    notifier.socket_path_ = path;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool ours = !pid || std::strtoll(pid, nullptr, 10) == static_cast<long long>(::getpid());
  if (usec && ours) {
    char* end = nullptr;
    const long long timeout = std::strtoll(usec, &end, 10);
    if (end && *end == '\0' && timeout > 0) notifier.watchdog_interval_ = std::chrono::microseconds(timeout / 2);
  }
  return notifier;
}

std::string ServiceNotifier::send(const std::string& state) const {
  if (!enabled()) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(address.sun_path)) return "NOTIFY_SOCKET is longer than a socket path";
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (socket_path_[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address), length);
  const int error = errno;
  ::close(fd);
  if (sent < 0) return std::string("sendto ") + socket_path_ + ": " + std::strerror(error);
  return {};
}

namespace {

// The timer's handler owns the rounds; the tasks posted to the loops own
// only the flags they set. A stuck loop's task may outlive the timer's
// context (it is destroyed with its own loop), and must not take the
// timer with it then.
using AnsweredFlags = std::vector<std::atomic<bool>>;

struct WatchdogRounds : std::enable_shared_from_this<WatchdogRounds> {
  WatchdogRounds(const ServiceNotifier& n, net::any_io_executor timer_executor, std::vector<net::any_io_executor> l,
                 std::chrono::microseconds i)
      : notifier(n), timer(timer_executor), loops(std::move(l)),
        answered(std::make_shared<AnsweredFlags>(loops.size())), interval(i) {}

  void ask() {
    for (std::size_t i = 0; i < loops.size(); ++i) {
      (*answered)[i] = false;
      net::post(loops[i], [flags = answered, i] { (*flags)[i] = true; });
    }
  }
  bool all_answered() const {
    for (const auto& a : *answered)
      if (!a) return false;
    return true;
  }
  void wait() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (self->all_answered()) self->notifier.send("WATCHDOG=1");
      self->ask();
      self->wait();
    });
  }

  ServiceNotifier notifier;
  net::steady_timer timer;
  std::vector<net::any_io_executor> loops;
  std::shared_ptr<AnsweredFlags> answered;
  std::chrono::microseconds interval;
};

}  // namespace

void keep_watchdog(const ServiceNotifier& notifier, net::any_io_executor timer_executor,
                   std::vector<net::any_io_executor> loops) {
  const auto interval = notifier.watchdog_interval();
  if (!notifier.enabled() || !interval) return;
  auto rounds = std::make_shared<WatchdogRounds>(notifier, std::move(timer_executor), std::move(loops), *interval);
  rounds->ask();
  rounds->wait();
}

}  // namespace bloatmeter::server
