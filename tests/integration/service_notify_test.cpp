#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "service_notify.hpp"

using namespace bloatmeter::server;

namespace {

// A datagram socket where NOTIFY_SOCKET points, as systemd's would be.
struct NotifySocket {
  std::string path = "/tmp/bloatmeter-notify-test-" + std::to_string(::getpid()) + ".sock";
  int fd = -1;
  NotifySocket() {
    ::unlink(path.c_str());
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~NotifySocket() {
    ::close(fd);
    ::unlink(path.c_str());
  }
  // How many "WATCHDOG=1" datagrams wait to be read (reads them all).
  int watchdog_pings() const {
    int pings = 0;
    char buffer[256];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;)
      pings += std::string(buffer, static_cast<std::size_t>(n)) == "WATCHDOG=1";
    return pings;
  }
};

// Runs the watchdog for `ms` on a timer context of its own.
int pings_over(const ServiceNotifier& notifier, std::vector<net::any_io_executor> loops, const NotifySocket& sock,
               int ms) {
  net::io_context timer_context;
  keep_watchdog(notifier, timer_context.get_executor(), std::move(loops));
  timer_context.run_for(std::chrono::milliseconds(ms));
  return sock.watchdog_pings();
}

}  // namespace

TEST_CASE("the service watchdog pings only while every loop it watches turns") {
  NotifySocket sock;
  ::setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "100000", 1);
  ::unsetenv("WATCHDOG_PID");
  const auto notifier = ServiceNotifier::from_environment();
  REQUIRE(notifier.enabled());
  REQUIRE(notifier.watchdog_interval() == std::chrono::microseconds(50'000));

  CHECK(notifier.send("READY=1").empty());
  char buffer[64];
  const auto n = ::recv(sock.fd, buffer, sizeof(buffer), 0);
  CHECK(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0) == "READY=1");

  net::io_context turning;
  auto work = net::make_work_guard(turning);
  std::thread turning_thread([&] { turning.run(); });
  net::io_context stuck;  // never run: a loop stuck in one handler

  SUBCASE("a loop that turns: a ping every half timeout") {
    CHECK(pings_over(notifier, {turning.get_executor()}, sock, 400) >= 3);
  }
  SUBCASE("one stuck loop among turning ones: no ping, so systemd restarts the service") {
    CHECK(pings_over(notifier, {turning.get_executor(), stuck.get_executor()}, sock, 400) == 0);
  }
  work.reset();
  turning.stop();
  turning_thread.join();

  ::setenv("WATCHDOG_PID", "1", 1);  // the watchdog is another process's
  CHECK_FALSE(ServiceNotifier::from_environment().watchdog_interval().has_value());
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  CHECK_FALSE(ServiceNotifier::from_environment().enabled());
  CHECK(ServiceNotifier::from_environment().send("READY=1").empty());  // outside systemd: nothing, no error
}
