#pragma once
// /ws/bulk-upload: counts the payload bytes that arrive and reports the
// running total every 250 ms (bloatmeter/upload_report.hpp). Upload throughput
// is counted here, where the bytes arrive (method §2).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bloatmeter/upload_report.hpp"
#include "http_types.hpp"
#include "server_context.hpp"
#include "websocket_common.hpp"

namespace bloatmeter::server {

inline constexpr auto kUploadReportInterval = std::chrono::milliseconds(250);

template <class Stream>
class BulkUploadSession : public std::enable_shared_from_this<BulkUploadSession<Stream>> {
 public:
  BulkUploadSession(Stream&& stream, ServerContext& ctx)
      : ws_(std::move(stream)), ctx_(ctx), count_(ctx, limit_key_of(tcp_socket_of(ws_))), report_timer_(ws_.get_executor()) {}

  // The lease counts this stream against max_streams_per_test until the
  // session ends.
  void run(Request req, ClientLimits::StreamLease lease) {
    lease_.emplace(std::move(lease));
    req_ = std::move(req);
    net::dispatch(ws_.get_executor(),
                  beast::bind_front_handler(&BulkUploadSession::accept, this->shared_from_this()));
  }

 private:
  void accept() {
    configure_server_websocket(ws_, ctx_.options.settings);  // also limits messages to 1 MiB
    ws_.text(true);                   // the server only ever sends reports
    ws_.async_accept(req_, beast::bind_front_handler(&BulkUploadSession::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    // Read in pieces: a 1 MiB message never needs a 1 MiB buffer.
    chunk_.resize(64 * 1024);
    next_report_ = std::chrono::steady_clock::now();
    schedule_report();
    do_read();
  }

  void do_read() {
    ws_.async_read_some(net::buffer(chunk_),
                        beast::bind_front_handler(&BulkUploadSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec) {
      report_timer_.cancel();  // lets the session end
      return;
    }
    if (bytes_ == 0 && n > 0) first_us_ = steady_now_us();
    bytes_ += n;
    ctx_.metrics.add_received(n);
    do_read();
  }

  void schedule_report() {
    // Fixed cadence from the start, not from each report: no drift.
    next_report_ += kUploadReportInterval;
    // After a stall, resume the cadence from now instead of firing a burst.
    const auto now = std::chrono::steady_clock::now();
    if (next_report_ < now) next_report_ = now + kUploadReportInterval;
    report_timer_.expires_at(next_report_);
    report_timer_.async_wait(beast::bind_front_handler(&BulkUploadSession::on_report_due, this->shared_from_this()));
  }

  void on_report_due(beast::error_code ec) {
    if (ec || !ws_.is_open()) return;
    // A client too slow to take the previous report just gets the next one:
    // one write outstanding, reports never queue up.
    if (!writing_) {
      const auto first = bytes_ > 0 ? std::optional<std::int64_t>(first_us_) : std::nullopt;
      report_ = upload_report_json({bytes_, steady_now_us(), first}).dump();
      writing_ = true;
      ws_.async_write(net::buffer(report_),
                      beast::bind_front_handler(&BulkUploadSession::on_report_written, this->shared_from_this()));
    }
    schedule_report();
  }

  void on_report_written(beast::error_code, std::size_t) { writing_ = false; }

  websocket::stream<Stream> ws_;
  ServerContext& ctx_;
  std::optional<ClientLimits::StreamLease> lease_;
  ConnectionCount count_;
  Metrics::ActiveSession active_{ctx_.metrics, SessionKind::Upload};
  net::steady_timer report_timer_;
  Request req_;
  std::vector<std::uint8_t> chunk_;
  std::uint64_t bytes_ = 0;
  std::int64_t first_us_ = 0;  // when the first byte arrived (server clock)
  std::chrono::steady_clock::time_point next_report_;
  bool writing_ = false;
  std::string report_;
};

}  // namespace bloatmeter::server
