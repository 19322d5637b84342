#include "probe_connection.hpp"

#include <array>
#include <deque>
#include <span>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "bloatmeter/lane_end.hpp"
#include "bloatmeter/probe_wire.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {

template <class Ws>
class ProbeLaneImpl : public ProbeConnection, public std::enable_shared_from_this<ProbeLaneImpl<Ws>> {
 public:
  template <class... StreamArgs>
  ProbeLaneImpl(asio::io_context& io, ServerUrl url, tcp::resolver::results_type endpoints, bool verify,
                ProbeLaneTarget target, StreamArgs&&... args)
      : io_(io), url_(std::move(url)), endpoints_(std::move(endpoints)), verify_(verify), target_(std::move(target)),
        ws_(std::forward<StreamArgs>(args)...) {}

  void connect(Connected done) override {
    auto self = this->shared_from_this();
    asio::co_spawn(
        io_,
        [self]() -> asio::awaitable<void> {
          co_await connect_ws(self->ws_, self->endpoints_, self->url_, self->target_.path, self->verify_,
                              self->target_.tos);
        },
        [self, done](std::exception_ptr e) {
          if (!e) {
            self->ws_.binary(true);
            return done("");
          }
          done(failure_text(e, kConnectTimeout));
        });
  }

  void start(EchoHandler on_echo, LostHandler on_lost) override {
    on_echo_ = std::move(on_echo);
    on_lost_ = std::move(on_lost);
    read_next();
  }

  void send(std::uint32_t seq, std::uint64_t client_send_us) override {
    if (closed_) return;
    queue_.push_back(probe_wire::encode(probe_wire::Request{seq, client_send_us}));
    if (queue_.size() == 1) write_next();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
  }

 private:
  void read_next() {
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, std::size_t) {
      const auto now = std::chrono::steady_clock::now();
      // The server's close frame says whether it restarts (1012); anything
      // else is a lost connection (lane_end.hpp).
      if (ec) return self->lost(std::string(lane_end_reason(ec == websocket::error::closed ? self->ws_.reason().code : 0)));
      const auto data = self->buffer_.cdata();
      const std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(data.data()), data.size());
      if (const auto echo = self->ws_.got_binary() ? probe_wire::decode_echo(bytes) : std::nullopt)
        self->on_echo_({echo->seq, echo->server_recv_us, echo->echo_delay_us, now});
      self->buffer_.consume(self->buffer_.size());
      self->read_next();
    });
  }

  void write_next() {
    auto self = this->shared_from_this();
    ws_.async_write(asio::buffer(queue_.front()), [self](beast::error_code ec, std::size_t) {
      if (ec) return self->lost(std::string(kLaneLostReason));
      if (!self->queue_.empty()) self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  void lost(const std::string& why) {
    if (closed_) return;  // we closed it
    closed_ = true;
    if (on_lost_) on_lost_(why);
  }

  asio::io_context& io_;
  ServerUrl url_;
  tcp::resolver::results_type endpoints_;
  bool verify_;
  ProbeLaneTarget target_;
  Ws ws_;
  beast::flat_buffer buffer_;
  std::deque<std::array<std::uint8_t, probe_wire::kRequestBytes>> queue_;
  EchoHandler on_echo_;
  LostHandler on_lost_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ProbeConnection> make_probe_connection(asio::io_context& io, const ServerUrl& url,
                                                       const tcp::resolver::results_type& endpoints,
                                                       ssl::context* tls, bool verify, ProbeLaneTarget target) {
  if (tls) return std::make_shared<ProbeLaneImpl<TlsWs>>(io, url, endpoints, verify, std::move(target), io, *tls);
  return std::make_shared<ProbeLaneImpl<PlainWs>>(io, url, endpoints, verify, std::move(target), io);
}

}  // namespace bloatmeter::cli
