#pragma once
// Live progress of a native test on a terminal: one line redrawn in place
// on a TTY; plain lines (a phase change, then one a second) otherwise, so
// logs and pipes stay readable.
#include <cstddef>
#include <iosfwd>
#include <string>

#include "bloatmeter/single_user_session.hpp"

namespace bloatmeter::cli {

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool tty) : out_(out), tty_(tty) {}
  // Called every 250 ms while the test runs.
  void update(const LiveStatus& live);
  // The same for any test's line: redrawn on a TTY; otherwise printed at a
  // phase change and once a second.
  void update_line(const std::string& text, int phase_index, double elapsed_s);
  // Ends the live line (a TTY's line is left in place).
  void finish();

 private:
  static std::string line(const LiveStatus& live);
  std::ostream& out_;
  bool tty_;
  int last_phase_ = -1;
  double last_plain_s_ = -1;
  bool drew_ = false;
};

}  // namespace bloatmeter::cli
