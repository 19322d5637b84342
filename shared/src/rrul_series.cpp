#include "bloatmeter/rrul_series.hpp"

namespace bloatmeter {

std::vector<std::optional<double>> rrul_class_throughput(const Result& r, Direction direction, DscpClass cls,
                                                         Micros step, std::size_t bins) {
  std::vector<std::optional<double>> out(bins);
  if (!r.raw.rrul || step <= 0) return out;
  for (const auto& flow : r.raw.rrul->tcp_flows) {
    if (flow.direction != direction || flow.cls != cls) continue;
    for (const auto& t : r.raw.throughput) {
      if (t.stream != flow.id || t.direction != direction || t.duration_us <= 0 || t.start_us < 0) continue;
      const auto i = static_cast<std::size_t>(t.start_us / step);
      if (i >= bins) continue;
      out[i] = out[i].value_or(0) + static_cast<double>(t.bytes) * 8.0 / static_cast<double>(t.duration_us);
    }
  }
  return out;
}

}  // namespace bloatmeter
