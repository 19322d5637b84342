#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "open_file_limit.hpp"
#include "test_server.hpp"

using namespace bloatmeter::testing;

namespace {
// Starts the real binary with stdout on a pipe; returns its pid and the
// port it printed.
struct Child {
  pid_t pid = -1;
  int out = -1;
  std::uint16_t port = 0;
};

Child spawn_server(const fs::path& web, const fs::path& data) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  Child c;
  c.pid = fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    execl(BLOATMETER_SERVER_BIN, BLOATMETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--web-root", web.c_str(),
          "--data-dir", data.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  c.out = fds[0];
  std::string text;
  char buf[256];
  const std::regex port_re("http://127\\.0\\.0\\.1:([0-9]+)/");
  std::smatch m;
  while (!std::regex_search(text, m, port_re)) {
    const auto n = read(c.out, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  REQUIRE_MESSAGE(std::regex_search(text, m, port_re), text);
  c.port = static_cast<std::uint16_t>(std::stoi(m[1]));
  return c;
}

int wait_exit(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    usleep(10'000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;  // did not stop within 5 s
}
}  // namespace

TEST_CASE("the server binary stops cleanly on SIGTERM and SIGINT, closing open connections") {
  const auto dir = make_temp_dir("proc");
  write_file(dir / "web" / "index.html", "hi");
  for (int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    auto child = spawn_server(dir / "web", dir / "data");
    CHECK(get(child.port, "/api/health").result() == http::status::ok);
    net::io_context ioc;
    auto idle = connect_loopback(ioc, child.port);  // an open, idle connection
    kill(child.pid, sig);
    CHECK(wait_exit(child.pid) == 0);
    char byte;
    boost::system::error_code ec;
    idle.read_some(net::buffer(&byte, 1), ec);
    CHECK(ec);  // closed by the server's exit
    close(child.out);
  }
  fs::remove_all(dir);
}

TEST_CASE("the server binary explains bad options and exits non-zero") {
  const std::string cmd = std::string(BLOATMETER_SERVER_BIN) + " --threads nope 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[512] = {};
  const auto n = fread(buf, 1, sizeof buf - 1, p);
  const int status = pclose(p);
  CHECK(std::string(buf, n).find("--threads: expected 1-256") != std::string::npos);
  CHECK(WEXITSTATUS(status) == 2);
}

namespace {
// CPU seconds a process has used (user + system), from /proc.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}
}  // namespace

TEST_CASE("out of file descriptors, accept backs off instead of spinning, logs it, and recovers") {
  const auto root = make_temp_dir("emfile");
  write_file(root / "web" / "index.html", "<p>x</p>");
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    rlimit few{48, 48};
    setrlimit(RLIMIT_NOFILE, &few);
    execl(BLOATMETER_SERVER_BIN, BLOATMETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--web-root",
          (root / "web").c_str(), "--data-dir", (root / "data").c_str(), "--threads", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  std::string text;
  char buf[512];
  const std::regex port_re("http://127\\.0\\.0\\.1:([0-9]+)/");
  std::smatch m;
  while (!std::regex_search(text, m, port_re)) {
    const auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  REQUIRE_MESSAGE(std::regex_search(text, m, port_re), text);
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  {
    net::io_context ioc;
    std::vector<tcp::socket> crowd;
    for (int i = 0; i < 80; ++i) crowd.push_back(connect_loopback(ioc, port));  // queued past the limit
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const double before = cpu_seconds(pid);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double used = cpu_seconds(pid) - before;
    MESSAGE("server CPU while out of descriptors: " << used << " s in 2 s");
    CHECK(used < 0.5);  // a spinning accept loop uses the whole 2 s
  }
  // The crowd is gone: the server serves again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(get(port, "/api/health").result() == http::status::ok);
  kill(pid, SIGTERM);
  CHECK(wait_exit(pid) == 0);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  std::string log;
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) log.append(buf, static_cast<std::size_t>(n));
  CHECK(log.find("error [accept] accept failed: Too many open files") != std::string::npos);
  // Told at start why it will refuse early: 48 descriptors hold 36 connections.
  CHECK(log.find("max_connections lowered from 4096 to 36") != std::string::npos);
  close(out[0]);
  close(err[0]);
  fs::remove_all(root);
}

TEST_CASE("max_connections is kept within the open-file limit, less the descriptors the server needs itself") {
  using bloatmeter::server::connections_within;
  CHECK(connections_within(4096, 1024) == 896);      // a shell's or a unit's default soft limit
  CHECK(connections_within(4096, 65536) == 4096);    // room for all: unchanged
  CHECK(connections_within(4096, 48) == 36);         // a quarter kept when the limit is small
  CHECK(connections_within(4096, 1) == 1);
  CHECK(connections_within(100, 1024) == 100);
}

TEST_CASE("a crafted result cannot stall the server: it is refused and SIGTERM still stops it at once") {
  const auto root = make_temp_dir("crafted");
  write_file(root / "web" / "index.html", "<p>x</p>");
  auto child = spawn_server(root / "web", root / "data");
  std::ifstream fixture(std::string(BLOATMETER_FIXTURES) + "/quick-bloated.json");
  auto doc = nlohmann::json::parse(fixture);
  doc["plan"]["phases"][1]["duration_us"] = 4'000'000'000'000'000'000LL;
  doc["plan"]["stream_add_interval_us"] = 1;
  const auto refused = request(child.port, http::verb::post, "/api/results", doc.dump());
  CHECK(refused.result() == http::status::unprocessable_entity);
  kill(child.pid, SIGTERM);
  CHECK(wait_exit(child.pid) == 0);
  fs::remove_all(root);
}
