#pragma once
// A Beast body that streams N bytes from the random pool: GET /download
// sends up to 1 GiB without ever holding more than one slice in memory
// (the slices point into the shared read-only pool, nothing is copied).
#include <algorithm>
#include <cstdint>
#include <utility>

#include <boost/optional.hpp>

#include "http_types.hpp"
#include "random_pool.hpp"

namespace bloatmeter::server {

struct PoolBody {
  struct value_type {
    const RandomPool* pool = nullptr;
    std::uint64_t size = 0;
  };

  static std::uint64_t size(const value_type& body) { return body.size; }

  class writer {
   public:
    using const_buffers_type = net::const_buffer;

    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (sent_ >= body_.size) return boost::none;
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, body_.size - sent_));
      const auto piece = body_.pool->slice(sent_, want);
      sent_ += piece.size();
      return std::make_pair(piece, sent_ < body_.size);
    }

   private:
    static constexpr std::size_t kPiece = 256 * 1024;
    value_type body_;
    std::uint64_t sent_ = 0;
  };
};

}  // namespace bloatmeter::server
