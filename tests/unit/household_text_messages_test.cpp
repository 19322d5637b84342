// The household lane's text messages as the server writes them and the
// client's end of a lane reads them back.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "bloatmeter/household_text_messages.hpp"

using namespace bloatmeter;

TEST_CASE("a report reads back what the server wrote") {
  const HouseholdReport sent{5'000'000, 123'456, 42, 3, SenderCounts{10, 20'000, 1, 2'000}, true};
  const auto back = parse_household_report(household_report_json(sent).dump());
  REQUIRE(back);
  CHECK(back->server_us == 5'000'000);
  CHECK(back->received_bytes == 123'456);
  CHECK(back->received_messages == 42);
  CHECK(back->acks_dropped == 3);
  REQUIRE(back->download);
  CHECK(back->download->sent_messages == 10);
  CHECK(back->download->sent_bytes == 20'000);
  CHECK(back->download->dropped_messages == 1);
  CHECK(back->download->dropped_bytes == 2'000);
  CHECK(back->download_done);
}

TEST_CASE("the hello names the lane, the schedule and the binary headers' sizes") {
  const auto j = household_hello_json({"jake", "quick", true, 7, 8, 10'000'000, "burst", 250});
  CHECK(j.dump() ==
        R"({"download_header_bytes":56,"download_pattern":"burst","duration_us":10000000,"greedy":true,)"
        R"("plan":"quick","report_interval_ms":250,"server_us":7,"start_us":8,"type":"hello",)"
        R"("upload_header_bytes":16,"user":"jake"})");
}

TEST_CASE("what is not a report is refused; a field of the wrong type or beyond a result's range is absent") {
  CHECK_FALSE(parse_household_report("not json"));
  CHECK_FALSE(parse_household_report(R"({"type":"hello","server_us":5})"));
  CHECK_FALSE(parse_household_report(R"({"server_us":5,"received_bytes":10})"));
  const auto odd = parse_household_report(
      R"({"type":"report","server_us":"5","received_bytes":-1,"received_messages":1.5,"download":[1],"download_done":1})");
  REQUIRE(odd);
  CHECK_FALSE(odd->server_us);
  CHECK_FALSE(odd->received_bytes);
  CHECK(odd->received_messages == 0);
  CHECK_FALSE(odd->download);
  CHECK_FALSE(odd->download_done);
  const auto far = parse_household_report(
      R"({"type":"report","server_us":9223372036854775807,"received_bytes":18446744073709551615})");
  REQUIRE(far);
  CHECK_FALSE(far->server_us);
  CHECK_FALSE(far->received_bytes);
}
