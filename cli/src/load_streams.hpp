#pragma once
// The native client's load streams: WebSockets to /ws/bulk-download and
// /ws/bulk-upload on I/O threads of their own, away from the probe lane's.
// Byte counts cross threads as atomics; the test session reads them.
#include <atomic>
#include <chrono>
#include <string>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "bloatmeter/plan.hpp"
#include "bloatmeter/upload_span_tracker.hpp"
#include "server_url.hpp"

namespace bloatmeter::cli {

// What one stream shares with the session's thread.
struct StreamCounters {
  enum State { Connecting = 0, Open = 1, Lost = 2, Closing = 3 };
  std::atomic<std::uint64_t> bytes{0};  // download: received
  // Upload: the server's reports, filed on the stream's thread as they
  // arrive, taken on the session's.
  std::mutex upload_mutex;
  UploadSpanTracker upload;
  std::atomic<int> state{Connecting};
  // When the connection was ready (steady clock, ns; -1 until then), its
  // segment size and the marking read back from its socket (-1: unknown).
  std::atomic<std::int64_t> connected_ns{-1};
  std::atomic<int> mss{-1};
  std::atomic<int> tos_set{-1};
  // Why it failed, when it did (set before state becomes Lost).
  std::mutex error_mutex;
  std::string error;
};

// How one stream opens, when not as the single-user test's: over one
// family's addresses, its socket marked before it connects, with extra
// query parameters (an RRUL test's "rrul=ID&flow=N&dscp=D").
struct StreamSetup {
  std::optional<boost::asio::ip::tcp::resolver::results_type> endpoints;
  std::optional<std::uint8_t> tos;
  std::string query;
  std::optional<std::uint64_t> pace_bytes_per_s;  // an upload sends no faster
};

// A stream's start as its test records it.
struct StreamStart {
  std::optional<std::chrono::steady_clock::time_point> connected;
  std::optional<int> mss;
  std::optional<int> tos_set;
  bool lost = false;
  std::string error;
};

class LoadStream {
 public:
  virtual ~LoadStream() = default;
  virtual void start() = 0;
  virtual void close() = 0;  // from any thread
};

class LoadStreams {
 public:
  LoadStreams(const ServerUrl& url, const boost::asio::ip::tcp::resolver::results_type& endpoints,
              boost::asio::ssl::context* tls, bool verify, int threads);
  ~LoadStreams();
  LoadStreams(const LoadStreams&) = delete;
  LoadStreams& operator=(const LoadStreams&) = delete;

  int open(Direction direction, const StreamSetup& setup = {});
  StreamStart start_of(int id) const;
  // Bytes that arrived since the last call (see SingleUserTransport).
  std::uint64_t take_bytes(int id);
  // Upload: on the server's clock, the span the bytes last taken arrived in.
  std::optional<ServerSpan> server_span(int id) const;
  bool lost(int id) const;
  void close(int id);
  // Closes every stream and joins the I/O threads.
  void stop();

 private:
  struct Entry {
    Direction direction = Direction::Download;
    std::shared_ptr<StreamCounters> counters;
    std::shared_ptr<LoadStream> stream;
    std::uint64_t taken = 0;                  // download: bytes taken so far
    std::optional<ServerSpan> taken_span;     // upload: the span of the bytes last taken
  };
  ServerUrl url_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  boost::asio::ssl::context* tls_;
  bool verify_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::shared_ptr<const std::vector<unsigned char>> payload_;  // one incompressible upload message
  std::map<int, Entry> streams_;
  int next_id_ = 1;
};

}  // namespace bloatmeter::cli
