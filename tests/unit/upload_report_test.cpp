// The upload sink's report (/ws/bulk-upload) as the server writes it and a
// client reads it back.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "bloatmeter/upload_report.hpp"

using namespace bloatmeter;

TEST_CASE("a report reads back what was written, first_us only when given") {
  const auto text = upload_report_json({123'456, 9'000'000, 8'750'000}).dump();
  CHECK(text == R"({"bytes":123456,"first_us":8750000,"server_us":9000000})");
  const auto back = parse_upload_report(text);
  REQUIRE(back);
  CHECK(back->bytes == 123'456);
  CHECK(back->server_us == 9'000'000);
  CHECK(back->first_us == 8'750'000);

  const auto empty = parse_upload_report(upload_report_json({0, 250'000, std::nullopt}).dump());
  REQUIRE(empty);
  CHECK(empty->bytes == 0);
  CHECK(empty->server_us == 250'000);
  CHECK_FALSE(empty->first_us);
}

TEST_CASE("what is not a report is refused; a bad time reads as absent") {
  CHECK_FALSE(parse_upload_report("not json"));
  CHECK_FALSE(parse_upload_report("[1,2]"));
  CHECK_FALSE(parse_upload_report(R"({"server_us":5})"));
  CHECK_FALSE(parse_upload_report(R"({"bytes":-1,"server_us":5})"));
  CHECK_FALSE(parse_upload_report(R"({"bytes":"12","server_us":5})"));
  const auto odd = parse_upload_report(R"({"bytes":10,"server_us":"5","first_us":1e300})");
  REQUIRE(odd);
  CHECK(odd->bytes == 10);
  CHECK_FALSE(odd->server_us);
  CHECK_FALSE(odd->first_us);
  const auto far = parse_upload_report(R"({"bytes":10,"server_us":9223372036854775807})");
  REQUIRE(far);
  CHECK_FALSE(far->server_us);  // beyond what a result may hold
}

TEST_CASE("the largest count a result may hold reads back whole; a larger one is no working server's") {
  constexpr auto i64max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto back = parse_upload_report(upload_report_json({i64max, 1, std::nullopt}).dump());
  REQUIRE(back);
  CHECK(back->bytes == i64max);
  CHECK_FALSE(parse_upload_report(upload_report_json({i64max + 1, 1, std::nullopt}).dump()));
}

TEST_CASE("POST /upload's answer names its bytes, duration and end") {
  const auto j = upload_answer_json(1 << 20, 512.5, 3'000'000);
  CHECK(j.dump() == R"({"bytes":1048576,"duration_ms":512.5,"server_us":3000000})");
}
