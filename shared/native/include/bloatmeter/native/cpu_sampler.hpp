#pragma once
// How busy this process and this machine were between two samples: the
// process's CPU time (getrusage) over the wall time, in cores, and the
// share of all the machine's cores that were busy (/proc/stat). RRUL's
// client and server each sample themselves during the load: a side short
// of CPU measures itself, so its result is marked invalid (method §15).
#include <chrono>
#include <cstdint>
#include <optional>

namespace bloatmeter::native {

struct CpuShare {
  double process = 0;  // cores
  double machine = 0;  // 0..1 of all cores
  // 0..1: how much of the time the sampling thread was ready to run but
  // waited for a CPU (/proc/thread-self/schedstat); absent where unknown.
  std::optional<double> waiting;
};

class CpuSampler {
 public:
  CpuSampler();
  // The share since the previous sample (or since construction); nothing
  // when the system would not say or no time has passed. Call it from the
  // thread whose waiting matters (the test's loop): `waiting` is that
  // thread's.
  std::optional<CpuShare> sample();

 private:
  struct Times {
    std::chrono::steady_clock::time_point wall;
    double process_s = 0;
    std::uint64_t busy_ticks = 0, total_ticks = 0;
    bool machine_known = false;
    std::optional<std::uint64_t> run_delay_ns;  // the calling thread's wait for a CPU so far
  };
  static Times read_times();
  Times last_;
};

}  // namespace bloatmeter::native
