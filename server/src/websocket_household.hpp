#pragma once
// /ws/virtual-household/{user_id}: one simulated household user (method §4,
// docs/protocol.md). The server paces the user's download with the shared
// Pacer on this session's own timer and strand, so no session ever waits
// for another; it acknowledges every upload message at once and reports
// what it counted every 250 ms.
//
// Room and backlog (bloatmeter/send_room.hpp, the rule every household
// sender follows): a real-time download (the game's ticks, the call's
// frames) goes only when nothing of the user's is left unsent, in this
// session's queue or in the kernel's send queue; a bulk download keeps at
// most kBulkRoomBytes (or two messages) queued here, TCP_NOTSENT_LOWAT
// keeping the kernel's unsent share small. Without room, fresh messages
// wait and stale ones (older than the flow's max_backlog_us) are dropped
// and counted. A client that stops reading therefore costs the server a
// bounded queue and a timer, never a burst when it reads again, and a line
// slower than the household's demand loses ticks instead of queueing them.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "bloatmeter/household_profile.hpp"
#include "bloatmeter/household_text_messages.hpp"
#include "bloatmeter/household_wire.hpp"
#include "bloatmeter/native/kernel_unsent.hpp"
#include "bloatmeter/pacer.hpp"
#include "bloatmeter/send_room.hpp"
#include "household_request.hpp"
#include "household_stats.hpp"
#include "http_types.hpp"
#include "server_context.hpp"
#include "socket_tuning.hpp"
#include "websocket_common.hpp"

namespace bloatmeter::server {

inline constexpr auto kHouseholdReportInterval = std::chrono::milliseconds(250);
inline constexpr std::size_t kHouseholdNotSentLowat = 64 * 1024;
// After its download flow ends a session stays open this long for late
// uploads, then closes itself (normal closure) if the client has not.
inline constexpr Micros kHouseholdGraceUs = 30'000'000;
// Acknowledgements and reports waiting for a client that does not read;
// beyond this, acknowledgements are dropped (and counted in reports).
inline constexpr std::size_t kMaxQueuedControl = 4096;

// Registers a session in the household counters for its lifetime.
class HouseholdSessionCount {
 public:
  HouseholdSessionCount(ServerContext& ctx, int user) : ctx_(ctx), user_(user) {
    ctx_.household.session_started(user_, ctx_.uptime_ms());
  }
  ~HouseholdSessionCount() { ctx_.household.session_ended(user_, ctx_.uptime_ms()); }
  HouseholdSessionCount(const HouseholdSessionCount&) = delete;
  HouseholdSessionCount& operator=(const HouseholdSessionCount&) = delete;

 private:
  ServerContext& ctx_;
  int user_;
};

template <class Stream>
class HouseholdSession : public std::enable_shared_from_this<HouseholdSession<Stream>> {
 public:
  HouseholdSession(Stream&& stream, ServerContext& ctx, HouseholdRequest request)
      : ws_(std::move(stream)),
        ctx_(ctx),
        count_(ctx, limit_key_of(tcp_socket_of(ws_))),
        request_(std::move(request)),
        pace_timer_(ws_.get_executor()),
        report_timer_(ws_.get_executor()) {
  }
  ~HouseholdSession() {
    if (notice_id_) ctx_.restart_notice.leave(notice_id_);
  }

  void run(Request req) {
    req_ = std::move(req);
    net::dispatch(ws_.get_executor(), beast::bind_front_handler(&HouseholdSession::accept, this->shared_from_this()));
  }

 private:
  enum class Kind { Download, Ack, Hello, Report };
  struct Outgoing {
    Kind kind = Kind::Report;
    PacedMessage message;  // Download
    std::array<std::uint8_t, kDownloadHeaderBytes> header{};
    std::array<std::uint8_t, kUploadAckBytes> ack{};
    std::string text;
    std::array<net::const_buffer, 2> buffers;
  };

  void accept() {
    beast::error_code ec;
    tcp_socket_of(ws_).set_option(tcp::no_delay(true), ec);  // a game tick must not wait for Nagle
    set_notsent_lowat(tcp_socket_of(ws_), kHouseholdNotSentLowat);
    configure_server_websocket(ws_, ctx_.options.settings);
    ws_.async_accept(req_, beast::bind_front_handler(&HouseholdSession::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    notice_id_ = ctx_.restart_notice.join([weak = this->weak_from_this()] {
      if (auto self = weak.lock())
        net::post(self->ws_.get_executor(), [self] { self->close_for_restart(); });
    });
    registered_.emplace(ctx_, request_.user_index);
    const auto now = steady_now_us();
    end_us_ = now + request_.duration_us;
    pacer_.emplace(request_.profile.download, now);
    Outgoing hello;
    hello.kind = Kind::Hello;
    hello.text = household_hello_json({request_.profile.id, request_.plan, request_.greedy, now, now,
                                       request_.duration_us, std::string(to_string(request_.profile.download.pattern)),
                                       kHouseholdReportInterval.count()})
                     .dump();
    control_.push_back(std::move(hello));
    next_report_ = std::chrono::steady_clock::now();
    schedule_report();
    pump();
    do_read();
  }

  // ---- download pacing ----

  void pump() {
    if (stopped_ || download_done_) return;
    const auto now = steady_now_us();
    if (now >= end_us_) {
      download_done_ = true;
      pace_timer_.cancel();
      return;
    }
    const auto& flow = request_.profile.download;
    const auto room =
        send_room(flow, queued_download_, is_real_time(flow) ? native::kernel_unsent_bytes(tcp_socket_of(ws_).native_handle()) : 0);
    const auto dropped_before = pacer_->counts().dropped_messages;
    auto due = pacer_->take_due(now, room);
    if (const auto dropped = pacer_->counts().dropped_messages - dropped_before; dropped > 0)
      ctx_.household.add_dropped(request_.user_index, dropped);
    for (const auto& m : due) {
      Outgoing out;
      out.kind = Kind::Download;
      out.message = m;
      queued_download_ += wire_size(m);
      download_.push_back(std::move(out));
    }
    start_write();
    arm_pace_timer(now);
  }

  // The next wake-up: the next message's due time; when it is already due
  // (it waits for room), the moment it turns stale, at least 10 ms on (a
  // write's completion pumps sooner), or for a real-time flow, whose room
  // also waits on the kernel's send queue (no completion says when that
  // drained), kRoomPollUs on; never past the flow's end.
  void arm_pace_timer(Micros now) {
    const auto& flow = request_.profile.download;
    Micros wake = end_us_;
    if (flow.pattern != TrafficPattern::Greedy && flow.pattern != TrafficPattern::Off) {
      const auto next = pacer_->next_due_us();
      if (next > now) wake = next;
      else if (is_real_time(flow)) wake = std::min(next + flow.max_backlog_us + 1, now + kRoomPollUs);
      else wake = std::max(next + flow.max_backlog_us + 1, now + 10'000);
    }
    wake = std::min(wake, end_us_);
    if (timer_at_ && *timer_at_ == wake) return;
    timer_at_ = wake;
    pace_timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::microseconds(wake)));
    pace_timer_.async_wait(beast::bind_front_handler(&HouseholdSession::on_pace_timer, this->shared_from_this()));
  }

  void on_pace_timer(beast::error_code ec) {
    if (ec) return;  // re-armed or stopped
    timer_at_.reset();
    pump();
  }

  std::uint32_t wire_size(const PacedMessage& m) const {
    return std::max<std::uint32_t>(m.bytes, kDownloadHeaderBytes);
  }

  // ---- writes: one at a time, acknowledgements and reports first ----

  void start_write() {
    if (writing_ || stopped_) return;
    if (!control_.empty()) {
      in_flight_ = std::move(control_.front());
      control_.pop_front();
      if (in_flight_.kind == Kind::Report) report_waiting_ = false;
    } else if (!download_.empty()) {
      in_flight_ = std::move(download_.front());
      download_.pop_front();
    } else {
      return;
    }
    writing_ = true;
    auto& out = in_flight_;
    if (out.kind == Kind::Hello || out.kind == Kind::Report) {
      ws_.text(true);
      ws_.async_write(net::buffer(out.text),
                      beast::bind_front_handler(&HouseholdSession::on_write, this->shared_from_this()));
      return;
    }
    ws_.binary(true);
    if (out.kind == Kind::Ack) {
      ws_.async_write(net::buffer(out.ack),
                      beast::bind_front_handler(&HouseholdSession::on_write, this->shared_from_this()));
      return;
    }
    const auto& m = out.message;
    const auto size = wire_size(m);
    DownloadHeader h;
    h.seq = m.seq;
    h.message_bytes = size;
    h.server_sent_us = steady_now_us();
    h.due_us = m.due_us;
    if (request_.profile.download.pattern == TrafficPattern::Burst) {
      h.flags = kFlagBurstFlow | (m.burst_first ? kFlagBurstFirst : 0) | (m.burst_last ? kFlagBurstLast : 0);
      h.burst = m.burst;
      h.burst_bytes = pacer_->burst_bytes();
      h.burst_started_us = pacer_->burst_start_us(m.burst);
    }
    household_wire::encode(h, out.header);
    // Padding: incompressible bytes from the shared pool, somewhere new
    // each time (a prime stride).
    const std::size_t pad = size - kDownloadHeaderBytes;
    const auto span = ctx_.pool.size() - pad + 1;
    pool_position_ = (pool_position_ + pad + 4099) % span;
    out.buffers = {net::buffer(out.header), ctx_.pool.slice(pool_position_, pad)};
    ws_.async_write(out.buffers, beast::bind_front_handler(&HouseholdSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    ctx_.metrics.add_sent(n);
    if (ec) return stop();
    if (in_flight_.kind == Kind::Download) {
      const auto size = wire_size(in_flight_.message);
      queued_download_ -= size;
      ctx_.household.add_sent(request_.user_index, size);
      pump();  // room again: a message waiting for it may go now
    }
    start_write();
  }

  // ---- uploads ----

  void do_read() {
    in_.clear();
    ws_.async_read(in_, beast::bind_front_handler(&HouseholdSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    // The receive time comes first, before anything else can delay it.
    const auto received_us = steady_now_us();
    if (ec) return stop();  // closed by the client or failed
    const auto data = in_.cdata();
    const std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(data.data()), data.size());
    const auto header = ws_.got_binary() ? household_wire::decode_upload(bytes) : std::nullopt;
    if (!header) return refuse_message();
    received_bytes_ += bytes.size();
    received_messages_ += 1;
    ctx_.household.add_received(request_.user_index, bytes.size());
    ctx_.metrics.add_received(bytes.size());
    if (control_.size() < kMaxQueuedControl) {
      Outgoing ack;
      ack.kind = Kind::Ack;
      household_wire::encode(UploadAck{header->seq, static_cast<std::uint32_t>(bytes.size()),
                                       header->client_sent_us, received_us},
                             ack.ack);
      control_.push_back(std::move(ack));
      start_write();
    } else {
      acks_dropped_ += 1;
    }
    do_read();
  }

  void refuse_message() {
    stop();
    ws_.async_close(websocket::close_reason(websocket::close_code::unknown_data,
                                            "upload messages are binary, at least 16 bytes, starting BH 1 2"),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  // ---- reports ----

  void schedule_report() {
    next_report_ += kHouseholdReportInterval;
    const auto now = std::chrono::steady_clock::now();
    if (next_report_ < now) next_report_ = now + kHouseholdReportInterval;  // after a stall: no burst
    report_timer_.expires_at(next_report_);
    report_timer_.async_wait(beast::bind_front_handler(&HouseholdSession::on_report_due, this->shared_from_this()));
  }

  void on_report_due(beast::error_code ec) {
    if (ec || stopped_) return;
    const auto now = steady_now_us();
    if (!download_done_ && now >= end_us_) pump();  // marks the flow done
    if (now >= end_us_ + kHouseholdGraceUs) {
      stop();
      ws_.async_close(websocket::close_reason(websocket::close_code::normal, "household session over"),
                      [self = this->shared_from_this()](beast::error_code) {});
      return;
    }
    auto text = household_report_json({now, received_bytes_, received_messages_, acks_dropped_, pacer_->counts(),
                                       download_done_})
                    .dump();
    // A client too slow to take the previous report gets this one in its
    // place: reports never pile up.
    auto waiting = std::find_if(control_.begin(), control_.end(), [](const Outgoing& o) { return o.kind == Kind::Report; });
    if (report_waiting_ && waiting != control_.end()) {
      waiting->text = std::move(text);
    } else {
      Outgoing report;
      report.kind = Kind::Report;
      report.text = std::move(text);
      control_.push_back(std::move(report));
      report_waiting_ = true;
      start_write();
    }
    schedule_report();
  }

  // A draining server's grace period is over (restart_notice.hpp): no more
  // writes, and the user lane closes with 1012 (Service Restart), so the
  // client says the server restarted rather than that the line failed. Beast
  // holds the close until a write in progress completes.
  void close_for_restart() {
    if (stopped_) return;  // already ending
    stop();
    ws_.async_close(websocket::close_reason(websocket::close_code::service_restart, "the test server is restarting"),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  void stop() {
    stopped_ = true;
    pace_timer_.cancel();
    report_timer_.cancel();
  }

  websocket::stream<Stream> ws_;
  ServerContext& ctx_;
  ConnectionCount count_;
  Metrics::ActiveSession active_{ctx_.metrics, SessionKind::Household};
  HouseholdRequest request_;
  std::optional<HouseholdSessionCount> registered_;
  net::steady_timer pace_timer_;
  net::steady_timer report_timer_;
  Request req_;

  std::optional<Pacer> pacer_;
  Micros end_us_ = 0;
  std::optional<Micros> timer_at_;
  bool download_done_ = false;
  bool stopped_ = false;
  std::uint64_t queued_download_ = 0;  // queued or being written
  std::uint64_t pool_position_ = 0;

  std::deque<Outgoing> control_;
  std::deque<Outgoing> download_;
  Outgoing in_flight_;
  bool writing_ = false;
  bool report_waiting_ = false;

  beast::flat_buffer in_;
  std::uint64_t received_bytes_ = 0;
  std::uint64_t received_messages_ = 0;
  std::uint64_t acks_dropped_ = 0;
  std::chrono::steady_clock::time_point next_report_;
  std::uint64_t notice_id_ = 0;  // in ctx_.restart_notice while open
};

}  // namespace bloatmeter::server
