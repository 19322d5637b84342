#include <doctest/doctest.h>

#include "bloatmeter/clock_offset.hpp"

using namespace bloatmeter;

namespace {
constexpr Micros kHours = 3'600'000'000LL;

ProbeRecord probe(Micros sent, Micros up, Micros down, Micros server_minus_client) {
  ProbeRecord p;
  p.sent_us = sent;
  p.server_recv_us = sent + up + server_minus_client;
  p.received_us = sent + up + down;
  return p;
}

std::vector<const ProbeRecord*> pointers(const std::vector<ProbeRecord>& v) {
  std::vector<const ProbeRecord*> out;
  for (const auto& p : v) out.push_back(&p);
  return out;
}
}  // namespace

TEST_CASE("the offset comes from the fastest third, so queued probes do not skew it") {
  const Micros server_ahead = 5 * kHours + 123'456;
  std::vector<ProbeRecord> v;
  // Three symmetric fast probes (5 + 5 ms), six slow ones queued upstream
  // only (which would bias a plain mean by tens of ms).
  for (int i = 0; i < 3; ++i) v.push_back(probe(i * 50'000, 5'000, 5'000, server_ahead));
  for (int i = 3; i < 9; ++i) v.push_back(probe(i * 50'000, 80'000, 5'000, server_ahead));
  const auto offset = estimate_clock_offset(pointers(v));
  REQUIRE(offset);
  CHECK(offset->server_minus_client_us == doctest::Approx(static_cast<double>(server_ahead)));
  // One-way delays of a slow probe are recovered exactly.
  CHECK(offset->upload_delay_ms(v[5]) == doctest::Approx(80.0));
  CHECK(offset->download_delay_ms(v[5]) == doctest::Approx(5.0));
  CHECK(offset->to_client_us(*v[0].server_recv_us) == doctest::Approx(5'000.0));
}

TEST_CASE("the offset needs a probe with both answer and server time") {
  std::vector<ProbeRecord> v(2);
  v[0].sent_us = 0;  // never answered
  v[1].sent_us = 50'000;
  v[1].received_us = 60'000;  // answered, no server time
  CHECK_FALSE(estimate_clock_offset(pointers(v)));
  CHECK_FALSE(estimate_clock_offset({}));

  // A single usable probe is enough (at least one, even below three).
  v.push_back(probe(100'000, 4'000, 6'000, -2 * kHours));
  const auto offset = estimate_clock_offset(pointers(v));
  REQUIRE(offset);
  // Symmetry is assumed: 10 ms RTT is split 5/5, so this probe's 1 ms of
  // asymmetry shows up in the offset.
  CHECK(offset->server_minus_client_us == doctest::Approx(-2.0 * kHours - 1'000));
}
