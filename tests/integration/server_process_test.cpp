#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

#include "http_client.hpp"
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
