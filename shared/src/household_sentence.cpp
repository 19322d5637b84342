#include "bloatmeter/household_sentence.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "bloatmeter/fairness.hpp"

namespace bloatmeter {
namespace {

std::string rose(const char* what, double ms) {
  if (ms < 0.5) return std::string(what) + " did not rise";
  return std::string(what) + " rose by " + format_figure(ms) + " ms";
}

std::string seconds(double ms) { return format_figure(ms / 1000.0) + " s"; }

std::string clause(const UserProfile& p, const UserSummary& s, GradeMetric metric, double v) {
  switch (metric) {
    case GradeMetric::RttIncreaseMedian: return rose("typical lag", v);
    case GradeMetric::RttIncreaseP95: return rose("95th-percentile lag", v);
    case GradeMetric::RttIncreaseP99: return rose("99th-percentile lag", v);
    case GradeMetric::OneWayIncreaseP95: return rose("95th-percentile one-way delay", v);
    case GradeMetric::Jitter:
      return "delay varied by " + format_figure(v) + " ms on average from one of its " + p.message_noun + " to the next";
    case GradeMetric::LatePercent:
      if (v <= 0) return "none of its " + p.message_noun + " arrived late";
      return format_figure(v) + "% of its " + p.message_noun + " arrived late or not at all";
    case GradeMetric::SlowestBurstPercent:
      if (s.bursts && s.bursts->slowest_ms)
        return "the slowest of its " + p.burst_noun + " took " + seconds(*s.bursts->slowest_ms) + " of its " +
               seconds(s.bursts->budget_ms) + " budget";
      return "its slowest " + p.burst_noun + " took " + format_figure(v) + "% of their budget";
    case GradeMetric::LateBurstPercent:
      if (s.bursts) {
        if (s.bursts->late == 0)
          return "all " + std::to_string(s.bursts->judged) + " of its " + p.burst_noun + " arrived within their " +
                 seconds(s.bursts->budget_ms) + " budget";
        return std::to_string(s.bursts->late) + " of its " + std::to_string(s.bursts->judged) + " " + p.burst_noun +
               " missed their " + seconds(s.bursts->budget_ms) + " deadline";
      }
      return format_figure(v) + "% of its " + p.burst_noun + " missed their deadline";
    case GradeMetric::DemandShortfallPercent: {
      const double demanded = s.download.demanded_mbps + s.upload.demanded_mbps;
      return "got " + format_figure(100.0 - v) + "% of the " + format_figure(demanded) + " Mbit/s it asked for";
    }
  }
  return {};
}

}  // namespace

std::string format_figure(double value) {
  char buf[32];
  if (!std::isfinite(value)) return "?";
  std::snprintf(buf, sizeof buf, std::fabs(value) < 10 ? "%.1f" : "%.0f", value);
  // A tiny negative (a lag that did not rise: -0.02 ms) rounds to "-0.0", which
  // reads as a figure with a sign; what the reader should see is zero.
  if (std::strcmp(buf, "-0.0") == 0 || std::strcmp(buf, "-0") == 0) return buf + 1;
  return buf;
}

std::string user_sentence(const UserProfile& profile, const UserSummary& s) {
  if (!s.grade || !s.deciding_metric || !s.deciding_value) return profile.role + ": too few samples to judge";
  std::string out = profile.role + ": " + clause(profile, s, *s.deciding_metric, *s.deciding_value) + " — " +
                    profile.verdict(*s.grade);
  // Said whenever it happened: figures that leave messages out say how many.
  const auto held = s.upload.held + s.download.held;
  if (held > 0)
    out += " (" + std::to_string(held) + " of " + std::to_string(s.upload.received + s.download.received) +
           " messages waited behind a lost packet, the connection's own loss recovery, and are left out)";
  return out;
}

std::string fairness_sentence(std::optional<double> index, std::optional<Grade> grade) {
  if (!index || !grade) return "Network fairness: nothing was shared to judge";
  // Truncated, never rounded up into a better band: 0.9899 shows 0.989.
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", std::floor(*index * 1000.0) / 1000.0);
  std::string label;
  for (const auto& band : fairness_bands())
    if (band.grade == *grade) label = std::string(band.label);
  return "Network fairness " + std::string(buf) + " (" + std::string(to_string(*grade)) + "): " + label;
}

}  // namespace bloatmeter
