#pragma once
// The UDP series' figures (docs/method.md §3, "A second series over UDP"),
// derived from raw.udp alone, as every summary figure is from raw samples.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "bloatmeter/probe_lane.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/udp_lane_tally.hpp"

namespace bloatmeter {

// summary.udp for a result with raw.udp (none without). The requests are
// replayed into a UdpLaneTally with the plan's rules; each phase that ran
// gets the requests sent in its measured window. One-way delays use the
// probe lane's clock offset (`lane.offset`: one clock_offset_ms per
// result), or the UDP baseline's own when the probe lane has none.
std::optional<UdpSeriesSummary> summarize_udp_series(const Result& result, const ProbeLane& lane);

// The building blocks, shared with RRUL's UDP flows (rrul_recompute.hpp):
// a flow's raw requests and replies replayed into a tally (a reply the
// tally ignores answers nothing this flow sent and is left out);
UdpLaneTally replay_udp_tally(const UdpRaw& raw, const UdpLaneRules& rules);
// the seqs [first, end) of the requests sent in [from_us, to_us), a
// contiguous run, as requests are sent in time order;
std::pair<std::uint32_t, std::uint32_t> udp_seqs_sent_in(const std::vector<Micros>& sent_us, Micros from_us,
                                                          Micros to_us);
// one direction's counts and one-way delays as the summary shows them.
UdpDirectionSummary udp_direction_summary(const UdpDirectionCounts& counts, const std::vector<double>& one_way_ms);

// One answered request's round trip: its first reply's arrival less its
// sending, less the time the server held it (its receive to its send), so
// the figure is the network's alone.
struct UdpRoundTrip {
  std::uint32_t seq = 0;
  Micros sent_us = 0;  // client clock
  double rtt_ms = 0;
};
// Every answered request's round trip, in the order the replies arrived
// (a duplicate reply adds nothing).
std::vector<UdpRoundTrip> udp_round_trips(const UdpRaw& raw);

}  // namespace bloatmeter
