#pragma once
// Builds synthetic test runs with exactly known figures, for recompute().
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "bloatmeter/result.hpp"

namespace bloatmeter::testing {

// One probe's fate: its upload and download delays (µs), or no answer.
struct ProbeFate {
  Micros up_us = 0;
  Micros down_us = 0;
};
using FateOf = std::function<std::optional<ProbeFate>(Micros sent_us, int index_in_phase)>;

inline FateOf constant_rtt(Micros up_us, Micros down_us) {
  return [=](Micros, int) { return std::optional<ProbeFate>(ProbeFate{up_us, down_us}); };
}

class SyntheticRun {
 public:
  // Every planned phase ran back to back from t = 0 unless told otherwise.
  explicit SyntheticRun(PhasePlan plan) {
    result.plan = std::move(plan);
    Micros t = 0;
    for (const auto& ph : result.plan.phases) {
      result.raw.phases.push_back({ph.name, t, t + ph.duration_us});
      t += ph.duration_us;
    }
  }

  // The server's clock reads the client's plus this.
  Micros server_minus_client_us = 0;
  Micros echo_us = 100;

  const PhaseRecord& phase(const std::string& name) const {
    for (const auto& p : result.raw.phases)
      if (p.name == name) return p;
    throw std::runtime_error("no phase " + name);
  }

  // A probe every plan.probe_interval_us through the whole phase.
  SyntheticRun& probes(const std::string& phase_name, const FateOf& fate) {
    const auto& ph = phase(phase_name);
    int i = 0;
    for (Micros sent = ph.start_us; sent < ph.end_us; sent += result.plan.probe_interval_us, ++i) {
      ProbeRecord p;
      p.seq = next_seq_++;
      p.sent_us = sent;
      if (const auto f = fate(sent, i)) {
        p.server_recv_us = sent + f->up_us + server_minus_client_us;
        p.server_echo_us = echo_us;
        p.received_us = sent + f->up_us + f->down_us;
      }
      result.raw.probes.push_back(p);
    }
    return *this;
  }

  // `streams` streams each carrying `bytes_per_stream` per throughput
  // interval over [from_us, to_us).
  SyntheticRun& throughput(Direction d, Micros from_us, Micros to_us, int streams, std::uint64_t bytes_per_stream) {
    const Micros step = result.plan.throughput_interval_us;
    for (Micros t = from_us; t < to_us; t += step)
      for (int s = 0; s < streams; ++s) result.raw.throughput.push_back({d, s, t, step, bytes_per_stream});
    return *this;
  }

  Result result;

 private:
  std::uint32_t next_seq_ = 0;
};

}  // namespace bloatmeter::testing
