#pragma once
// How much of the server one client address, and all of them together, may
// hold: connections, running tests, result submissions per minute
// (server_settings.hpp names the limits). One small table under a mutex:
// it is touched when a connection opens or closes and when a test starts,
// never per packet. IPv6 clients count by their /64 (one household's
// network, whatever addresses its devices pick); IPv4 by address.
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include "http_types.hpp"
#include "server_settings.hpp"

namespace bloatmeter::server {

// "198.18.0.7", or "2001:2:0:1::/64" for any address of that /64.
std::string limit_key(net::ip::address address);
std::string limit_key_of(const tcp::socket& socket);

class ClientLimits {
 public:
  explicit ClientLimits(const ServerSettings& settings) : settings_(settings) {}

  // Counts a connection from `key` for the handle's lifetime.
  class Connection {
   public:
    Connection(ClientLimits& limits, std::string key);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    // Why this connection is one too many ("" when within the limits).
    const std::string& over_limit() const { return over_limit_; }

   private:
    ClientLimits& limits_;
    std::string key_;
    std::string over_limit_;
  };

  // What a lease holds a place for: a running test, or a load stream (a
  // /ws/bulk-* lane).
  enum class LeaseKind { Test, Stream };

  // A place held for its holder's lifetime (move-only), given back when the
  // last owner goes. One type per kind, so a test's place cannot be handed
  // where a stream's is wanted.
  template <LeaseKind Kind>
  class Lease {
   public:
    Lease(ClientLimits& limits, std::string key) : limits_(&limits), key_(std::move(key)) {}
    Lease(Lease&& other) noexcept : limits_(std::exchange(other.limits_, nullptr)), key_(std::move(other.key_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (limits_) limits_->release(Kind, key_);
    }

   private:
    ClientLimits* limits_;
    std::string key_;
  };
  using TestLease = Lease<LeaseKind::Test>;
  using StreamLease = Lease<LeaseKind::Stream>;
  // A probe lane's place: a test's, or, for a lane of a test that holds
  // its place already (an RRUL test's request/response flows), a stream's.
  using ProbePlace = std::variant<TestLease, StreamLease>;

  // A place for a new test, or nothing with the reason in `why`.
  std::optional<TestLease> start_test(const std::string& key, std::string& why);
  // A place for one more load stream from `key`, or nothing with the reason
  // in `why`. The server cannot tell which test a stream belongs to (a
  // lane carries no test id), so an address may hold max_streams_per_test
  // for each test it runs (for one when it runs none yet).
  std::optional<StreamLease> start_stream(const std::string& key, std::string& why);
  // Whether start_test would give a place now ("" when it would), taking
  // none: what a browser asks before it opens its lanes (GET /api/test-slot).
  std::string test_refusal(const std::string& key) const;

  // Draining (SIGTERM with --drain-seconds): from now on no test starts,
  // and every refusal is kRestartingRefusal; running tests go on.
  void stop_new_tests();
  bool stopping_new_tests() const;
  int tests_running() const;

  // Whether `key` may submit another result now (a sliding minute).
  bool submission_allowed(const std::string& key, std::chrono::steady_clock::time_point now);

 private:
  struct Entry {
    int connections = 0;
    int tests = 0;
    int streams = 0;
    std::deque<std::chrono::steady_clock::time_point> submissions;
    bool unused() const { return connections == 0 && tests == 0 && streams == 0 && submissions.empty(); }
  };
  void forget_if_unused(std::unordered_map<std::string, Entry>::iterator it);
  void release(LeaseKind kind, const std::string& key);
  std::string refusal_locked(int tests_of_key) const;

  const ServerSettings& settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> clients_;
  int connections_ = 0;
  int tests_ = 0;
  bool stopping_ = false;
};

// The refusal of a test while the server drains (client_limits.hpp).
inline constexpr const char* kRestartingRefusal = "the test server is restarting";

}  // namespace bloatmeter::server
