#include <doctest/doctest.h>

#include "bloatmeter/flent_export.hpp"
#include "bloatmeter/recompute.hpp"
#include "rrul_sim.hpp"

using namespace bloatmeter;

TEST_CASE("Flent export: an RRUL result as Flent's rrul series on its 0.2 s grid") {
  auto r = testing::make_rrul_result({});
  r.meta.started_at = "2026-12-07T15:20:26.500Z";
  r.summary = recompute(r);
  const auto doc = flent_document(r);
  REQUIRE(doc);
  CHECK((*doc)["version"] == 4);
  const auto& meta = (*doc)["metadata"];
  CHECK(meta["NAME"] == "rrul");
  CHECK(meta["T0"] == "2026-12-07T15:20:26.500Z");
  CHECK(meta["STEP_SIZE"] == doctest::Approx(0.2));
  CHECK(meta["TOTAL_LENGTH"] == doctest::Approx(9.0));
  CHECK(meta["LENGTH"] == doctest::Approx(5.0));
  const auto& x = (*doc)["x_values"];
  REQUIRE(x.size() == 46);  // 0 to 9 s
  CHECK(x[5].get<double>() == doctest::Approx(1.0));
  for (const char* name : {"TCP upload BE", "TCP upload BK", "TCP upload CS5", "TCP upload EF", "TCP upload sum",
                           "TCP upload avg", "TCP download BE", "TCP download sum", "TCP totals", "Ping (ms) UDP EF",
                           "Ping (ms) UDP BK", "Ping (ms) UDP BE", "Ping (ms) avg"}) {
    CAPTURE(name);
    REQUIRE((*doc)["results"].contains(name));
    CHECK((*doc)["results"][name].size() == x.size());
    CHECK(meta["SERIES_META"].contains(name));
  }
  // The simulated run's 4 flows each way at 20 Mbit/s, only under load.
  const auto& down = (*doc)["results"]["TCP download sum"];
  CHECK(down[5].is_null());  // 1 s: idle
  CHECK(down[20].get<double>() == doctest::Approx(80.0));  // 4 s: loaded
  CHECK((*doc)["results"]["TCP download BE"][20].get<double>() == doctest::Approx(20.0));
  CHECK((*doc)["results"]["TCP download avg"][20].get<double>() == doctest::Approx(20.0));
  CHECK((*doc)["results"]["TCP totals"][20].get<double>() == doctest::Approx(160.0));
  // Pings: 10 ms round trips idle, every 200 ms; raw samples in Unix time.
  CHECK((*doc)["results"]["Ping (ms) UDP EF"][5].get<double>() == doctest::Approx(10.0));
  const auto& raw = (*doc)["raw_values"]["Ping (ms) UDP EF"];
  REQUIRE(raw.size() == 45);
  CHECK(raw[0]["t"].get<double>() == doctest::Approx(1796656826.5));
  CHECK(raw[0]["val"].get<double>() == doctest::Approx(10.0));

  Result single;  // not an RRUL result
  single.meta.started_at = r.meta.started_at;
  CHECK_FALSE(flent_document(single));
}

TEST_CASE("Flent export: Unix time of a result's start") {
  CHECK(unix_seconds_of("1970-01-01T00:00:00.000Z") == doctest::Approx(0.0));
  CHECK(unix_seconds_of("2000-03-01T12:00:00.250Z") == doctest::Approx(951912000.25));
  CHECK_FALSE(unix_seconds_of("2026-12-07 15:20:26"));
  CHECK_FALSE(unix_seconds_of("2026-13-07T15:20:26.000Z"));
}
