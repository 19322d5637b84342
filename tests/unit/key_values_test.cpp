#include <doctest/doctest.h>

#include "bloatmeter/key_values.hpp"

using namespace bloatmeter;

TEST_CASE("the seed's config format parses with comments and quotes") {
  const auto r = parse_key_values(
      "# Your organization\n"
      "sponsor_name=Your ISP Name\n"
      "  sponsor_url = \"https://www.yourisp.com/#home\"  # quoted keeps the #\n"
      "sponsor_city='Gent' \n"
      "\n"
      "webhook_url=https://x.example/hook # trailing comment\n"
      "empty=\n");
  REQUIRE_MESSAGE(r.ok(), r.error());
  const auto& m = r.value();
  CHECK(m.at("sponsor_name") == "Your ISP Name");
  CHECK(m.at("sponsor_url") == "https://www.yourisp.com/#home");
  CHECK(m.at("sponsor_city") == "Gent");
  CHECK(m.at("webhook_url") == "https://x.example/hook");
  CHECK(m.at("empty").empty());
  CHECK(m.size() == 5);
}

TEST_CASE("malformed config lines are errors naming the line") {
  CHECK(parse_key_values("a=1\nno equals here\n").error() == "line 2: expected key=value");
  CHECK(parse_key_values("bad key=1").error() == "line 1: invalid key 'bad key'");
  CHECK(parse_key_values("k=\"open").error() == "line 1: unterminated quote");
  CHECK(parse_key_values("k=\"a\" b").error() == "line 1: text after the closing quote");
  CHECK(parse_key_values("").ok());
}

TEST_CASE("config lines keep their line numbers, repeats included") {
  const auto r = parse_key_value_lines("# header\n\nsponsor_name=A\n  foo = 'b' # x\nsponsor_name=C\n");
  REQUIRE_MESSAGE(r.ok(), r.error());
  const auto& lines = r.value();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].key == "sponsor_name");
  CHECK(lines[0].value == "A");
  CHECK(lines[0].line == 3);
  CHECK(lines[1].key == "foo");
  CHECK(lines[1].value == "b");
  CHECK(lines[1].line == 4);
  CHECK(lines[2].line == 5);
  // The map form keeps a repeated key's last value.
  CHECK(parse_key_values("k=1\nk=2\n").value().at("k") == "2");
  CHECK(parse_key_value_lines("a=1\n\xff=2\n").error() == "line 2: not valid UTF-8 text (save the file as UTF-8)");
}
