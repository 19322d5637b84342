#include "bloatmeter/rrul_score.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace bloatmeter {
namespace {

constexpr double kPartPoints = 20.0;

bool usable(std::optional<double> v) { return v && std::isfinite(*v) && *v >= 0; }

// 20 * min(1, ideal / measured): the whole 20 while the loaded figure is no
// worse than the ideal, falling in proportion as it grows.
std::optional<double> ratio_points(std::optional<double> ideal, std::optional<double> measured, double floor_ms) {
  if (!usable(ideal) || !usable(measured)) return std::nullopt;
  const double num = *ideal + floor_ms, den = *measured + floor_ms;
  if (den <= 0) return std::nullopt;
  return kPartPoints * std::min(1.0, num / den);
}

}  // namespace

std::string_view to_string(RrulPart p) {
  static constexpr std::array<std::string_view, 5> kNames = {"web", "delay", "jitter", "slew", "loss"};
  return kNames[static_cast<std::size_t>(p)];
}

std::optional<double> rrul_web_score(std::optional<double> idle_ms, std::optional<double> loaded_ms) {
  if (!usable(idle_ms) || !usable(loaded_ms) || *idle_ms <= 0 || *loaded_ms <= 0) return std::nullopt;
  return 100.0 * std::min(1.0, *idle_ms / *loaded_ms);
}

RrulScore rrul_score(const RrulScoreInputs& in, const RrulScoreParams& params) {
  RrulScore out;
  out.web = rrul_web_score(in.page_ms_idle, in.page_ms_loaded);
  const auto web_points = out.web ? std::optional<double>(*out.web / 100.0 * kPartPoints) : std::nullopt;
  std::optional<double> loss_points;
  if (usable(in.loss_loaded) && params.loss_limit > 0)
    loss_points = kPartPoints * (1.0 - std::min(1.0, *in.loss_loaded / params.loss_limit));
  out.parts = {
      {RrulPart::Web, web_points},
      {RrulPart::Delay, ratio_points(in.rtt_ms_idle, in.rtt_ms_loaded, params.floor_ms)},
      {RrulPart::Jitter, ratio_points(in.jitter_ms_idle, in.jitter_ms_loaded, params.floor_ms)},
      // A load flow should be up within one idle round trip of when it was
      // asked for; a lost SYN costs a second.
      {RrulPart::Slew, ratio_points(in.rtt_ms_idle, in.slew_ms, params.floor_ms)},
      {RrulPart::Loss, loss_points},
  };
  double sum = 0;
  for (const auto& p : out.parts) {
    if (!p.points) return out;
    sum += *p.points;
  }
  out.composite = sum;
  return out;
}

}  // namespace bloatmeter
