#include "bloatmeter/upload_span_tracker.hpp"

#include <algorithm>

namespace bloatmeter {

UploadGrowth UploadSpanTracker::add(const UploadCount& report) {
  if (report.bytes < highest_) return {};
  UploadGrowth growth;
  growth.bytes = report.bytes - highest_;
  highest_ = report.bytes;
  pending_.bytes += growth.bytes;
  if (!report.server_us) return growth;  // counted, but when is unknown

  const Micros end = *report.server_us;
  if (growth.bytes > 0) {
    std::optional<Micros> start = last_report_us_;
    if (report.first_us) start = std::max(start.value_or(*report.first_us), *report.first_us);
    // A report timed before its predecessor, or a first byte after the
    // count: the server's clock says nothing better than the count's time.
    growth.span = ServerSpan{std::min(start.value_or(end), end), end};
  }
  last_report_us_ = last_report_us_ ? std::max(*last_report_us_, end) : end;

  if (growth.span) {
    if (pending_.span) {
      pending_.span->start_us = std::min(pending_.span->start_us, growth.span->start_us);
      pending_.span->end_us = std::max(pending_.span->end_us, growth.span->end_us);
    } else {
      pending_.span = growth.span;
    }
  }
  return growth;
}

UploadGrowth UploadSpanTracker::take() {
  UploadGrowth out = pending_;
  pending_ = {};
  return out;
}

}  // namespace bloatmeter
