#pragma once
// A Beast body that streams a telemetry CSV export batch by batch (chunked
// transfer): 100 000 rows never sit in memory at once, only one batch.
#include <memory>
#include <string>
#include <utility>

#include <boost/optional.hpp>

#include "http_types.hpp"
#include "telemetry_reader.hpp"

namespace bloatmeter::server {

struct ExportBody {
  struct value_type {
    std::shared_ptr<TelemetryExport> rows;
    std::string header;  // the CSV header line, sent first
  };

  class writer {
   public:
    using const_buffers_type = net::const_buffer;

    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (!header_sent_) {
        header_sent_ = true;
        piece_ = body_.header;
        return std::make_pair(const_buffers_type(piece_.data(), piece_.size()), true);
      }
      if (!body_.rows || body_.rows->done()) return boost::none;
      auto batch = body_.rows->next_batch();
      if (!batch) {
        // Headers are gone already: ending the stream early is all that is
        // left (the client sees a cut chunked body, not a complete file).
        ec = make_error_code(beast::errc::io_error);
        return boost::none;
      }
      piece_ = std::move(batch).value();
      if (piece_.empty()) return boost::none;
      return std::make_pair(const_buffers_type(piece_.data(), piece_.size()), !body_.rows->done());
    }

   private:
    value_type body_;
    std::string piece_;
    bool header_sent_ = false;
  };
};

}  // namespace bloatmeter::server
