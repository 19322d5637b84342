// bloatmeter-crowd: many customers at once against one server, on loopback.
// Opens N probe lanes (/ws/probe) sending the method's 20 Hz probes, each
// lane `--upload-kbps` of paced upload on a bulk lane beside it, and M idle
// or trickling connections (slowloris: a header that never ends, a byte
// every few seconds). Prints, per lane population: the probes' RTT and the
// server's echo delay (from the echoes, its own measurement) as p50/p99/max,
// how many lanes opened and how many the server refused. One thread, one
// io_context: the generator is not the bottleneck at these rates.
// Usage: bloatmeter-crowd HOST PORT --lanes N [--seconds S] [--idle M]
//        [--upload-kbps K]
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bloatmeter/probe_wire.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

struct Tally {
  std::vector<double> rtt_ms, echo_ms;
  int opened = 0, refused = 0, failed = 0, lost = 0, idle_open = 0, idle_dropped = 0;
  std::uint64_t uploaded = 0;
};

// One customer's probe lane: a probe every 50 ms, never bursting to catch up.
class Lane : public std::enable_shared_from_this<Lane> {
 public:
  Lane(net::io_context& io, tcp::endpoint ep, Tally& tally, Clock::time_point until)
      : ws_(io), timer_(io), ep_(ep), tally_(tally), until_(until) {}

  void start() {
    ws_.next_layer().async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return void(++self->tally_.failed);
      self->ws_.next_layer().set_option(tcp::no_delay(true));
      self->ws_.binary(true);
      self->ws_.async_handshake(self->answer_, "127.0.0.1", "/ws/probe", [self](beast::error_code ec2) {
        if (ec2) return void(self->answer_.result_int() == 503 ? ++self->tally_.refused : ++self->tally_.failed);
        ++self->tally_.opened;
        self->next_send_ = Clock::now();
        self->send();
        self->read();
      });
    });
  }

 private:
  void send() {
    if (Clock::now() >= until_) {
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
      return;
    }
    out_ = bloatmeter::probe_wire::encode(bloatmeter::probe_wire::Request{seq_++, static_cast<std::uint64_t>(now_us())});
    ws_.async_write(net::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->next_send_ = std::max(self->next_send_ + std::chrono::milliseconds(50), Clock::now());
      self->timer_.expires_at(self->next_send_);
      self->timer_.async_wait([self](beast::error_code ec2) {
        if (!ec2) self->send();
      });
    });
  }

  void read() {
    in_.clear();
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (Clock::now() < self->until_ - std::chrono::milliseconds(100)) ++self->tally_.lost;
        return;
      }
      const auto received = now_us();
      if (self->in_.size() == bloatmeter::probe_wire::kEchoBytes) {
        std::array<std::uint8_t, bloatmeter::probe_wire::kEchoBytes> raw{};
        net::buffer_copy(net::buffer(raw), self->in_.data());
        const auto echo = *bloatmeter::probe_wire::decode_echo(raw);
        self->tally_.rtt_ms.push_back(static_cast<double>(received - static_cast<std::int64_t>(echo.client_send_us)) / 1000.0);
        self->tally_.echo_ms.push_back(echo.echo_delay_us / 1000.0);
      }
      self->read();
    });
  }

  websocket::stream<tcp::socket> ws_;
  net::steady_timer timer_;
  tcp::endpoint ep_;
  Tally& tally_;
  Clock::time_point until_, next_send_;
  websocket::response_type answer_;
  beast::flat_buffer in_;
  std::array<std::uint8_t, bloatmeter::probe_wire::kRequestBytes> out_{};
  std::uint32_t seq_ = 0;
};

// Paced upload beside a lane: `kbps` in 10 ms messages on /ws/bulk-upload.
class Upload : public std::enable_shared_from_this<Upload> {
 public:
  Upload(net::io_context& io, tcp::endpoint ep, Tally& tally, Clock::time_point until, int kbps)
      : ws_(io), timer_(io), ep_(ep), tally_(tally), until_(until),
        chunk_(static_cast<std::size_t>(std::max(1, kbps * 1000 / 8 / 100)), 'u') {}

  void start() {
    ws_.next_layer().async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.binary(true);
      self->ws_.async_handshake("127.0.0.1", "/ws/bulk-upload", [self](beast::error_code ec2) {
        if (ec2) return;
        self->next_ = Clock::now();
        self->send();
        self->drain();
      });
    });
  }

 private:
  void send() {
    if (Clock::now() >= until_) {
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
      return;
    }
    ws_.async_write(net::buffer(chunk_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return;
      self->tally_.uploaded += n;
      self->next_ = std::max(self->next_ + std::chrono::milliseconds(10), Clock::now());
      self->timer_.expires_at(self->next_);
      self->timer_.async_wait([self](beast::error_code ec2) {
        if (!ec2) self->send();
      });
    });
  }
  void drain() {  // the server's reports
    in_.clear();
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  websocket::stream<tcp::socket> ws_;
  net::steady_timer timer_;
  tcp::endpoint ep_;
  Tally& tally_;
  Clock::time_point until_, next_;
  std::string chunk_;
  beast::flat_buffer in_;
};

// A slowloris connection: a request header that never ends, one more byte
// every 5 s. Counted as dropped when the server closes it.
class Idle : public std::enable_shared_from_this<Idle> {
 public:
  Idle(net::io_context& io, tcp::endpoint ep, Tally& tally, Clock::time_point until)
      : socket_(io), timer_(io), ep_(ep), tally_(tally), until_(until) {}
  void start() {
    socket_.async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      ++self->tally_.idle_open;
      self->text_ = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      self->trickle();
      self->socket_.async_read_some(net::buffer(self->sink_), [self](beast::error_code, std::size_t) {
        if (Clock::now() < self->until_) ++self->tally_.idle_dropped;
        self->timer_.cancel();
      });
    });
  }

 private:
  void trickle() {
    if (Clock::now() >= until_) return void(socket_.close());
    net::async_write(socket_, net::buffer(text_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->text_.assign(1, 'a');  // not `= "a"`: GCC 12 warns falsely on it (-Wstringop-overflow)
      self->timer_.expires_after(std::chrono::seconds(5));
      self->timer_.async_wait([self](beast::error_code ec2) {
        if (!ec2) self->trickle();
      });
    });
  }
  tcp::socket socket_;
  net::steady_timer timer_;
  tcp::endpoint ep_;
  Tally& tally_;
  Clock::time_point until_;
  std::string text_;
  std::array<char, 512> sink_{};
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::min<double>(v.size() - 1, p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

int number(const char* text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text, text + std::strlen(text), n);
  if (ec != std::errc{} || *end != '\0' || n < 0) throw std::invalid_argument(std::string("not a count: ") + text);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bloatmeter-crowd HOST PORT --lanes N [--seconds S] [--idle M] [--upload-kbps K]\n";
    return 2;
  }
  int lanes = 100, seconds = 10, idle = 0, upload_kbps = 0;
  try {
    for (int i = 3; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      const int v = number(argv[i + 1]);
      if (a == "--lanes") lanes = v;
      else if (a == "--seconds") seconds = std::min(v, 600);
      else if (a == "--idle") idle = v;
      else if (a == "--upload-kbps") upload_kbps = v;
      else throw std::invalid_argument("unknown option " + a);
    }
  } catch (const std::exception& e) {
    std::cerr << "bloatmeter-crowd: " << e.what() << "\n";
    return 2;
  }
  net::io_context io;
  const tcp::endpoint ep(net::ip::make_address(argv[1]), static_cast<unsigned short>(number(argv[2])));
  Tally tally;
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  for (int i = 0; i < idle; ++i) std::make_shared<Idle>(io, ep, tally, until)->start();
  // Lanes open over the first second, as customers do not press Start at
  // the same microsecond.
  for (int i = 0; i < lanes; ++i) {
    auto at = Clock::now() + std::chrono::microseconds(1'000'000LL * i / std::max(1, lanes));
    auto t = std::make_shared<net::steady_timer>(io, at);
    t->async_wait([&, t](beast::error_code) {
      std::make_shared<Lane>(io, ep, tally, until)->start();
      if (upload_kbps > 0) std::make_shared<Upload>(io, ep, tally, until, upload_kbps)->start();
    });
  }
  io.run_for(std::chrono::seconds(seconds + 5));
  std::cout << "lanes " << lanes << " opened " << tally.opened << " refused " << tally.refused << " failed "
            << tally.failed << " lost " << tally.lost << " probes " << tally.rtt_ms.size() << " rtt_ms p50 "
            << percentile(tally.rtt_ms, 50) << " p99 " << percentile(tally.rtt_ms, 99) << " max "
            << percentile(tally.rtt_ms, 100) << " echo_ms p50 " << percentile(tally.echo_ms, 50) << " p99 "
            << percentile(tally.echo_ms, 99) << " max " << percentile(tally.echo_ms, 100) << " idle_open "
            << tally.idle_open << " idle_dropped " << tally.idle_dropped << " uploaded_mb "
            << static_cast<double>(tally.uploaded) / 1e6 << "\n";
  return 0;
}
