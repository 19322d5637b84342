#include "load_streams.hpp"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/ip.h>

#include "bloatmeter/upload_report.hpp"
#include "ws_connect.hpp"

namespace bloatmeter::cli {

namespace {

constexpr std::size_t kUploadMessageBytes = 256 * 1024;
constexpr int kUnsentLowWater = 128 * 1024;  // bounded unsent data: the queue measured is the network's
constexpr const char* kDownloadTarget = "/ws/bulk-download?chunk=262144";

template <class Ws>
class StreamImpl : public LoadStream, public std::enable_shared_from_this<StreamImpl<Ws>> {
 public:
  template <class... StreamArgs>
  StreamImpl(Direction direction, std::shared_ptr<StreamCounters> counters, ServerUrl url,
             tcp::resolver::results_type endpoints, bool verify, StreamSetup setup,
             std::shared_ptr<const std::vector<unsigned char>> payload, StreamArgs&&... args)
      : direction_(direction), counters_(std::move(counters)), url_(std::move(url)),
        endpoints_(setup.endpoints ? *setup.endpoints : std::move(endpoints)), verify_(verify),
        setup_(std::move(setup)), payload_(std::move(payload)), ws_(std::forward<StreamArgs>(args)...) {}

  void start() override {
    auto self = this->shared_from_this();
    asio::co_spawn(ws_.get_executor(), self->run(), [self](std::exception_ptr e) { self->ended(e); });
  }

  void close() override {
    auto self = this->shared_from_this();
    asio::post(ws_.get_executor(), [self] {
      self->counters_->state = StreamCounters::Closing;
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

 private:
  asio::awaitable<void> run() {
    const bool upload = direction_ == Direction::Upload;
    std::string target = upload ? "/ws/bulk-upload" : kDownloadTarget;
    if (!setup_.query.empty()) target += (upload ? "?" : "&") + setup_.query;
    co_await connect_ws(ws_, endpoints_, url_, target, verify_, setup_.tos);
    note_connected();
    int expected = StreamCounters::Connecting;
    if (!counters_->state.compare_exchange_strong(expected, StreamCounters::Open)) co_return;  // closed meanwhile
    if (!upload) {
      std::vector<unsigned char> buf(256 * 1024);
      for (;;) {
        const std::size_t n = co_await ws_.async_read_some(asio::buffer(buf), asio::use_awaitable);
        counters_->bytes.fetch_add(n, std::memory_order_relaxed);
      }
    }
    if (setup_.pace_bytes_per_s)
      native::set_pacing_rate(beast::get_lowest_layer(ws_).socket().native_handle(), *setup_.pace_bytes_per_s);
#ifdef TCP_NOTSENT_LOWAT
    const int lowat = kUnsentLowWater;
    ::setsockopt(beast::get_lowest_layer(ws_).socket().native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
                 sizeof lowat);
#endif
    ws_.binary(true);
    // A client masks what it sends; Beast masks through its write buffer
    // (4 KiB by default, one send per 4 KiB): one message's worth instead.
    ws_.write_buffer_bytes(kUploadMessageBytes);
    // The server's counts come back on the same socket, read alongside.
    auto self = this->shared_from_this();
    asio::co_spawn(ws_.get_executor(), self->read_counts(), asio::detached);
    for (;;) co_await ws_.async_write(asio::buffer(*payload_), asio::use_awaitable);
  }

  asio::awaitable<void> read_counts() {
    beast::flat_buffer buffer;
    try {
      for (;;) {
        co_await ws_.async_read(buffer, asio::use_awaitable);
        const auto report = ws_.got_text() ? parse_upload_report(beast::buffers_to_string(buffer.cdata())) : std::nullopt;
        if (report) {
          const std::lock_guard lock(counters_->upload_mutex);
          counters_->upload.add(*report);
        }
        buffer.consume(buffer.size());
      }
    } catch (const std::exception&) {
      // The writer sees the same failure and reports it.
    }
  }

  void note_connected() {
    counters_->connected_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
    auto& socket = beast::get_lowest_layer(ws_).socket();
    const int fd = socket.native_handle();
    int value = 0;
    socklen_t len = sizeof value;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &value, &len) == 0) counters_->mss = value;
    if (!setup_.tos) return;
    boost::system::error_code ec;
    const bool v6 = socket.local_endpoint(ec).address().is_v6();
    len = sizeof value;
    if (::getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, &value, &len) == 0)
      counters_->tos_set = value & 0xFF;
  }

  void ended(std::exception_ptr e) {
    if (e && counters_->state.load() != StreamCounters::Closing) {
      const std::lock_guard lock(counters_->error_mutex);
      counters_->error = failure_text(e, kConnectTimeout);
    }
    // Closed by us: nothing lost. Otherwise the stream failed or the server
    // closed it mid-test, which the session must know.
    int s = counters_->state.load();
    while (s != StreamCounters::Closing && !counters_->state.compare_exchange_weak(s, StreamCounters::Lost)) {
    }
  }

  Direction direction_;
  std::shared_ptr<StreamCounters> counters_;
  ServerUrl url_;
  tcp::resolver::results_type endpoints_;
  bool verify_;
  StreamSetup setup_;
  std::shared_ptr<const std::vector<unsigned char>> payload_;
  Ws ws_;
};

}  // namespace

LoadStreams::LoadStreams(const ServerUrl& url, const tcp::resolver::results_type& endpoints, ssl::context* tls,
                         bool verify, int threads)
    : url_(url), endpoints_(endpoints), tls_(tls), verify_(verify), work_(asio::make_work_guard(io_)) {
  auto payload = std::make_shared<std::vector<unsigned char>>(kUploadMessageBytes);
  std::mt19937_64 rng(std::random_device{}());
  for (auto& b : *payload) b = static_cast<unsigned char>(rng() >> 56);
  payload_ = std::move(payload);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

LoadStreams::~LoadStreams() { stop(); }

int LoadStreams::open(Direction direction, const StreamSetup& setup) {
  Entry e;
  e.direction = direction;
  e.counters = std::make_shared<StreamCounters>();
  auto strand = asio::make_strand(io_);
  if (tls_)
    e.stream = std::make_shared<StreamImpl<TlsWs>>(direction, e.counters, url_, endpoints_, verify_, setup, payload_,
                                                   strand, *tls_);
  else
    e.stream = std::make_shared<StreamImpl<PlainWs>>(direction, e.counters, url_, endpoints_, verify_, setup,
                                                     payload_, strand);
  e.stream->start();
  const int id = next_id_++;
  streams_.emplace(id, std::move(e));
  return id;
}

std::uint64_t LoadStreams::take_bytes(int id) {
  const auto it = streams_.find(id);
  if (it == streams_.end()) return 0;
  Entry& e = it->second;
  if (e.direction == Direction::Upload) {
    UploadGrowth growth;
    {
      const std::lock_guard lock(e.counters->upload_mutex);
      growth = e.counters->upload.take();
    }
    if (growth.bytes > 0) e.taken_span = growth.span;
    return growth.bytes;
  }
  const std::uint64_t total = e.counters->bytes.load(std::memory_order_relaxed);
  const std::uint64_t d = total - e.taken;
  e.taken = total;
  return d;
}

std::optional<ServerSpan> LoadStreams::server_span(int id) const {
  const auto it = streams_.find(id);
  return it == streams_.end() ? std::nullopt : it->second.taken_span;
}

StreamStart LoadStreams::start_of(int id) const {
  StreamStart out;
  const auto it = streams_.find(id);
  if (it == streams_.end()) return out;
  const auto& c = *it->second.counters;
  if (const auto ns = c.connected_ns.load(); ns >= 0)
    out.connected = std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::nanoseconds(ns)));
  if (const auto v = c.mss.load(); v >= 0) out.mss = v;
  if (const auto v = c.tos_set.load(); v >= 0) out.tos_set = v;
  out.lost = c.state.load() == StreamCounters::Lost;
  if (out.lost) {
    const std::lock_guard lock(it->second.counters->error_mutex);
    out.error = c.error;
  }
  return out;
}

bool LoadStreams::lost(int id) const {
  const auto it = streams_.find(id);
  return it == streams_.end() || it->second.counters->state.load() == StreamCounters::Lost;
}

void LoadStreams::close(int id) {
  const auto it = streams_.find(id);
  if (it == streams_.end()) return;
  it->second.counters->state = StreamCounters::Closing;
  it->second.stream->close();
  streams_.erase(it);
}

void LoadStreams::stop() {
  for (auto& [id, e] : streams_) {
    e.counters->state = StreamCounters::Closing;
    e.stream->close();
  }
  streams_.clear();
  work_.reset();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace bloatmeter::cli
