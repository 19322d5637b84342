#include "household_crowd_lane.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "bloatmeter/native/kernel_unsent.hpp"
#include "bloatmeter/send_room.hpp"

namespace bloatmeter::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// As the native client: wake at the next upload message, at most this late.
constexpr auto kMaxPaceSleep = std::chrono::milliseconds(5);
// A lane whose hello has not come this long after it was started failed.
constexpr auto kOpenTimeout = std::chrono::seconds(10);
// The hello's server time may differ from this machine's steady clock by
// its transit only; more means the server's clock is not ours.
constexpr std::int64_t kClockSlackUs = 2'000'000;

const std::vector<unsigned char>& padding() {
  static const std::vector<unsigned char> zeros(kMaxMessageBytes, 0);
  return zeros;
}

asio::steady_timer::time_point at_steady_us(std::int64_t us) {
  return asio::steady_timer::time_point(std::chrono::microseconds(us));
}

}  // namespace

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

UserLane::UserLane(asio::io_context& io, tcp::endpoint server, const HouseholdPlan& plan, const UserProfile& profile,
                   std::int64_t drain_us)
    : server_(server),
      target_("/ws/virtual-household/" + profile.id + "?plan=" + plan.name + "&greedy=0"),
      client_(profile, plan.phases.throughput_interval_us),
      drain_us_(drain_us),
      ws_(io),
      pace_timer_(io),
      end_timer_(io) {}

std::int64_t UserLane::now() const { return steady_us() - origin_us_; }

void UserLane::start() {
  auto self = shared_from_this();
  end_timer_.expires_after(kOpenTimeout);
  end_timer_.async_wait([self](beast::error_code ec) {
    if (!ec && self->state_ == LaneState::Connecting) self->fail(LaneState::Failed, "no hello within 10 s");
  });
  ws_.next_layer().socket().async_connect(server_, [self](beast::error_code ec) {
    if (self->closed_) return;
    if (ec) return self->fail(LaneState::Failed, "connect: " + ec.message());
    self->ws_.next_layer().socket().set_option(tcp::no_delay(true));
    self->ws_.async_handshake(self->answer_, "127.0.0.1", self->target_, [self](beast::error_code ec2) {
      if (self->closed_) return;
      if (ec2) {
        if (self->answer_.result_int() == 503) return self->fail(LaneState::Refused, "503");
        return self->fail(LaneState::Failed, "upgrade: HTTP " + std::to_string(self->answer_.result_int()) + ", " +
                                                 ec2.message());
      }
      self->ws_.binary(true);
      self->read_next();  // the hello first
    });
  });
}

void UserLane::stop() {
  if (state_ == LaneState::Connecting) return fail(LaneState::Failed, "not open by the generator's deadline");
  if (state_ == LaneState::Running) return fail(LaneState::Lost, "still running at the generator's deadline");
  fail(state_, error_);
}

void UserLane::fail(LaneState state, std::string why) {
  if (closed_) return;
  closed_ = true;
  state_ = state;
  error_ = std::move(why);
  pace_timer_.cancel();
  end_timer_.cancel();
  beast::error_code ec;
  ws_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
  ws_.next_layer().socket().close(ec);
}

void UserLane::read_next() {
  auto self = shared_from_this();
  ws_.async_read(buffer_, [self](beast::error_code ec, std::size_t) {
    if (self->closed_) return;
    if (ec)
      return self->fail(self->state_ == LaneState::Running ? LaneState::Lost : LaneState::Failed,
                        "read: " + ec.message());
    self->on_message();
    self->buffer_.consume(self->buffer_.size());
    if (!self->closed_) self->read_next();
  });
}

void UserLane::on_message() {
  const auto data = buffer_.cdata();
  const auto* p = static_cast<const std::uint8_t*>(data.data());
  const std::string_view text(reinterpret_cast<const char*>(p), data.size());
  if (state_ == LaneState::Connecting) {
    if (ws_.got_binary() || !on_hello(text)) fail(LaneState::Failed, "the first message was not a hello");
    return;
  }
  const auto t = now();
  if (!ws_.got_binary()) return client_.on_text(text, t);
  const std::span<const std::uint8_t> message(p, data.size());
  client_.on_binary(message, t);
  if (const auto h = household_wire::decode_download(message); h && t < duration_us_)
    server_late_ms_.push_back(static_cast<float>(h->server_sent_us - h->due_us) / 1000.0f);
}

// docs/protocol.md's hello: the server's schedule starts at start_us and
// runs duration_us.
bool UserLane::on_hello(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.value("type", "") != "hello") return false;
  const auto field = [&](const char* key) -> std::int64_t {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
  };
  const auto start = field("start_us"), duration = field("duration_us"), server = field("server_us");
  if (start < 0 || duration <= 0 || server < 0) return false;
  if (server > steady_us() || steady_us() - server > kClockSlackUs) {
    fail(LaneState::Failed, "the server's clock is not this machine's steady clock");
    return true;
  }
  origin_us_ = start;
  duration_us_ = duration;
  client_.set_clock_offset(ClockOffset{static_cast<double>(origin_us_)});
  client_.on_open(now());
  state_ = LaneState::Running;
  pace();
  auto self = shared_from_this();
  end_timer_.expires_at(at_steady_us(origin_us_ + duration_us_ + drain_us_));
  end_timer_.async_wait([self](beast::error_code ec) {
    if (!ec) self->finish();
  });
  return true;
}

void UserLane::pace() {
  if (closed_ || state_ != LaneState::Running) return;
  const auto t = now();
  if (t >= duration_us_) return;  // the users' phase is over: no more upload
  const auto unsent = native::kernel_unsent_bytes(ws_.next_layer().socket().native_handle());
  for (const auto& o : client_.take_due(t, queued_bytes_, unsent)) {
    queued_bytes_ += o.bytes;
    queue_.push_back(o);
    if (queue_.size() == 1) write_next();
  }
  auto next = client_.next_due_us();
  if (next <= t) next = t + kRoomPollUs;  // waits for room
  pace_timer_.expires_after(std::min<std::chrono::microseconds>(std::chrono::microseconds(next - t), kMaxPaceSleep));
  pace_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->pace();
  });
}

void UserLane::write_next() {
  const auto& o = queue_.front();
  const std::array<asio::const_buffer, 2> bufs{asio::buffer(o.header),
                                               asio::buffer(padding().data(), o.bytes - o.header.size())};
  ws_.async_write(bufs, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (self->closed_) return;
    if (ec) return self->fail(LaneState::Lost, "write: " + ec.message());
    self->queued_bytes_ -= self->queue_.front().bytes;
    self->queue_.pop_front();
    if (!self->queue_.empty()) self->write_next();
  });
}

void UserLane::finish() {
  client_.finish(now());
  fail(LaneState::Done, "");
}

}  // namespace bloatmeter::bench
