#include "bloatmeter/native/cpu_sampler.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace bloatmeter::native {

CpuSampler::CpuSampler() : last_(read_times()) {}

CpuSampler::Times CpuSampler::read_times() {
  Times t;
  t.wall = std::chrono::steady_clock::now();
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0)
    t.process_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  // /proc/stat's first line: "cpu user nice system idle iowait irq softirq steal ...".
  std::ifstream stat("/proc/stat");
  std::string label;
  if (stat >> label && label == "cpu") {
    std::uint64_t v[8] = {};
    for (auto& x : v) stat >> x;
    if (stat) {
      const std::uint64_t idle = v[3] + v[4];
      for (auto x : v) t.total_ticks += x;
      t.busy_ticks = t.total_ticks - idle;
      t.machine_known = true;
    }
  }
  // /proc/thread-self/schedstat: "on-CPU ns, waited-on-a-runqueue ns, slices".
  std::ifstream sched("/proc/thread-self/schedstat");
  std::uint64_t on_cpu = 0, waited = 0;
  if (sched >> on_cpu >> waited) t.run_delay_ns = waited;
  return t;
}

std::optional<CpuShare> CpuSampler::sample() {
  const Times now = read_times();
  const Times before = last_;
  last_ = now;
  const double wall_s = std::chrono::duration<double>(now.wall - before.wall).count();
  if (wall_s <= 0) return std::nullopt;
  CpuShare share;
  share.process = std::max(0.0, (now.process_s - before.process_s) / wall_s);
  if (now.machine_known && before.machine_known && now.total_ticks > before.total_ticks)
    share.machine = static_cast<double>(now.busy_ticks - before.busy_ticks) /
                    static_cast<double>(now.total_ticks - before.total_ticks);
  if (now.run_delay_ns && before.run_delay_ns && *now.run_delay_ns >= *before.run_delay_ns)
    share.waiting = std::min(1.0, static_cast<double>(*now.run_delay_ns - *before.run_delay_ns) / 1e9 / wall_s);
  return share;
}

}  // namespace bloatmeter::native
