#pragma once
// The UDP series' figures (docs/method.md §3, "A second series over UDP"),
// derived from raw.udp alone, as every summary figure is from raw samples.
#include <optional>

#include "bloatmeter/probe_lane.hpp"
#include "bloatmeter/result.hpp"

namespace bloatmeter {

// summary.udp for a result with raw.udp (none without). The requests are
// replayed into a UdpLaneTally with the plan's rules; each phase that ran
// gets the requests sent in its measured window. One-way delays use the
// probe lane's clock offset (`lane.offset`: one clock_offset_ms per
// result), or the UDP baseline's own when the probe lane has none.
std::optional<UdpSeriesSummary> summarize_udp_series(const Result& result, const ProbeLane& lane);

}  // namespace bloatmeter
