#include "progress.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace bloatmeter::cli {

std::string ProgressPrinter::line(const LiveStatus& live) {
  char rtt[32] = "-";
  if (live.last_rtt_ms) std::snprintf(rtt, sizeof rtt, "%.1f ms", *live.last_rtt_ms);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-17s %3.0f s left | RTT %-9s | down %8.1f Mbit/s (%d) | up %8.1f Mbit/s (%d)",
                live.phase_label.c_str(), std::max(0.0, std::ceil(live.phase_left_s)), rtt, live.download_mbps,
                live.download_streams, live.upload_mbps, live.upload_streams);
  return buf;
}

void ProgressPrinter::update(const LiveStatus& live) { update_line(line(live), live.phase_index, live.elapsed_s); }

void ProgressPrinter::update_line(const std::string& text, int phase_index, double elapsed_s) {
  if (tty_) {
    out_ << "\r\033[K" << text << std::flush;
    drew_ = true;
    return;
  }
  const bool new_phase = phase_index != last_phase_;
  if (new_phase || elapsed_s - last_plain_s_ >= 1.0) {
    out_ << text << "\n" << std::flush;
    last_phase_ = phase_index;
    last_plain_s_ = elapsed_s;
  }
}

void ProgressPrinter::finish() {
  if (tty_ && drew_) out_ << "\n" << std::flush;
  drew_ = false;
}

}  // namespace bloatmeter::cli
