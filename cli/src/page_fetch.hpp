#pragma once
// RRUL's web component on the native client (docs/method.md §15): loads the
// plan's synthetic page from the server, the document and then its objects
// over up to `connections` parallel connections, every fetch on a fresh
// TCP (and TLS) connection, with the host name resolved and timed each
// time. The bytes come from GET /download?bytes=N. It runs on a thread of
// its own, away from the test's timers; it also asks the server how busy it
// is (GET /api/rrul/ID) there, once a second.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "bloatmeter/rrul_plan.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

struct PageTiming {
  using TimePoint = std::chrono::steady_clock::time_point;
  TimePoint started;
  std::optional<TimePoint> done;  // absent: failed
  std::optional<std::chrono::microseconds> dns, connect;
  std::uint64_t bytes = 0;
  int connections = 0;
  std::string error;
};

// What GET /api/rrul/ID said, when it answered.
struct ServerStatus {
  std::optional<double> process, machine;  // CPU; absent when not reported
  std::vector<std::pair<int, std::optional<int>>> flows;  // flow, DSCP read back
};

class PageFetcher {
 public:
  PageFetcher(ServerUrl url, boost::asio::ssl::context* tls, bool verify, RrulPageModel page,
              std::optional<IpFamily> family);
  ~PageFetcher();
  PageFetcher(const PageFetcher&) = delete;
  PageFetcher& operator=(const PageFetcher&) = delete;

  // Loads the page once; `done` runs on the fetcher's thread.
  void load(std::function<void(PageTiming)> done);
  // Asks GET `target` (the RRUL test's status); `done` runs on the
  // fetcher's thread, with nothing when the server did not answer.
  void ask_status(std::string target, std::function<void(std::optional<ServerStatus>)> done);
  // Stops whatever is in flight and joins the thread.
  void stop();

 private:
  ServerUrl url_;
  boost::asio::ssl::context* tls_;
  bool verify_;
  RrulPageModel page_;
  std::optional<IpFamily> family_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace bloatmeter::cli
