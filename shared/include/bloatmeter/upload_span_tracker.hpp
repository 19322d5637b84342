#pragma once
// Upload throughput is counted where the bytes arrive: the server reports
// an upload stream's running count with its own clock's time (docs/
// protocol.md). This turns those raw reports into what a meter files: the
// bytes the count grew by and the span of server time they arrived in. The
// native load streams, the browser's load sockets and the household lanes
// all file their uploads through it, so they all file the same way.
#include <cstdint>
#include <optional>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/upload_report.hpp"

namespace bloatmeter {

// A span of time on the server's clock.
struct ServerSpan {
  Micros start_us = 0;
  Micros end_us = 0;
};

// Bytes that reached the server, and when (nothing when the reports that
// carried them had no server time).
struct UploadGrowth {
  std::uint64_t bytes = 0;
  std::optional<ServerSpan> span;
};

class UploadSpanTracker {
 public:
  // Files one report and returns what it adds. The new bytes arrived after
  // the previous report (the count then did not hold them) and not before
  // the report's first_us; the first report, with neither, is an instant.
  // A count below the highest seen is stale (or a reset this stream cannot
  // have) and adds nothing: growth resumes past the highest count.
  UploadGrowth add(const UploadCount& report);

  // What every report since the last take() added together, over one span
  // from the earliest start to the latest end; then starts afresh.
  UploadGrowth take();

  // The highest count seen.
  std::uint64_t count() const { return highest_; }

 private:
  std::uint64_t highest_ = 0;
  std::optional<Micros> last_report_us_;  // the server time of the latest report trusted
  UploadGrowth pending_;
};

}  // namespace bloatmeter
