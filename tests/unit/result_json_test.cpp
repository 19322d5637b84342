#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "bloatmeter/result_json.hpp"

using namespace bloatmeter;
using nlohmann::json;

namespace {
Result sample_result() {
  Result r;
  r.meta.tool_version = "0.1.0";
  r.meta.client = "native";
  r.meta.started_at = "2026-11-23T10:00:00Z";
  r.meta.server = "http://127.0.0.1:8080";
  r.plan = quick_plan();
  r.raw.probes = {{1, 0, 12'000, 500'000, 40}, {2, 50'000, std::nullopt, std::nullopt, std::nullopt}};
  r.raw.throughput = {{Direction::Upload, 2, 250'000, 250'000, 123456}};
  r.raw.phases = {{"baseline", 0, 2'000'000}};
  r.raw.client_lag = {{100, 1.5}};
  r.raw.streams = {5, 4};
  r.raw.aborted = true;
  r.raw.abort_reason = "connection lost";
  r.summary.baseline_ms = 12.0;
  PhaseSummary ps;
  ps.name = "baseline";
  ps.graded = true;
  ps.probes_sent = 2;
  ps.probes_answered = 1;
  ps.rtt_ms = summarize(std::vector<double>{12.0});
  ps.grade = Grade::B;
  r.summary.phases.push_back(ps);
  PhaseSummary upload;
  upload.name = "upload";
  upload.graded = true;
  upload.increase_ms = 6.3;
  upload.grade = Grade::A;
  upload.own_delay_ms = 3.9;
  upload.grade_without_own_delay = Grade::APlus;
  r.summary.phases.push_back(upload);
  r.summary.overall = Grade::B;
  r.summary.flags = {Flag::Aborted, Flag::TooFewProbes};
  r.summary.streams = {5, 4};
  return r;
}
}  // namespace

TEST_CASE("a result survives serialization unchanged") {
  const auto r = sample_result();
  const auto text = serialize_result(r);
  const auto back = parse_result(text);
  REQUIRE_MESSAGE(back.ok(), back.error());
  // Serializing the parsed result gives the identical document.
  CHECK(serialize_result(back.value()) == text);
  const auto& b = back.value();
  CHECK(b.raw.probes.size() == 2);
  CHECK(b.raw.probes[0].received_us == 12'000);
  CHECK_FALSE(b.raw.probes[1].received_us.has_value());
  CHECK(b.raw.throughput[0].direction == Direction::Upload);
  CHECK(b.raw.throughput[0].bytes == 123456);
  CHECK(b.raw.aborted);
  CHECK(b.summary.overall == Grade::B);
  REQUIRE(b.summary.phases.size() == 2);
  CHECK(b.summary.phases[1].own_delay_ms == 3.9);
  CHECK(b.summary.phases[1].grade_without_own_delay == Grade::APlus);
  CHECK_FALSE(b.summary.phases[0].own_delay_ms);
  CHECK(b.summary.flags.size() == 2);
  CHECK(b.summary.low_confidence());
  CHECK(b.plan.total_duration_us() == quick_plan().total_duration_us());
  const auto doc = json::parse(text);
  CHECK(doc["format"] == "bloatmeter-result");
  CHECK(doc["version"] == 1);
  // A single box's result names no server; a fleet's names the one it ran on.
  CHECK_FALSE(doc["meta"].contains("server_name"));
  auto fleet = sample_result();
  fleet.meta.server_name = "Hamburg";
  const auto named = parse_result(serialize_result(fleet));
  REQUIRE_MESSAGE(named.ok(), named.error());
  CHECK(named.value().meta.server_name == "Hamburg");
  CHECK(json::parse(serialize_result(fleet))["meta"]["server_name"] == "Hamburg");
}

TEST_CASE("malformed documents get errors that name the problem") {
  CHECK(parse_result("{not json").error() == "not valid JSON");
  CHECK(parse_result("[1,2]").error().find("not a JSON object") != std::string::npos);
  CHECK(parse_result(R"({"format":"other","version":1})").error().find("bloatmeter-result") != std::string::npos);

  auto doc = to_json(sample_result());
  doc["version"] = 2;
  auto wrong_version = parse_result(doc.dump());
  CHECK_FALSE(wrong_version.ok());
  CHECK(wrong_version.error().find("unsupported result version 2") != std::string::npos);

  doc = to_json(sample_result());
  doc["raw"]["probes"][1]["sent_us"] = "soon";
  CHECK(parse_result(doc.dump()).error() == "raw.probes[1].sent_us: expected an integer");

  doc = to_json(sample_result());
  doc["raw"]["probes"][0].erase("seq");
  CHECK(parse_result(doc.dump()).error() == "raw.probes[0].seq: missing");

  doc = to_json(sample_result());
  doc["raw"]["throughput"][0]["direction"] = "sideways";
  CHECK(parse_result(doc.dump()).error().find("raw.throughput[0].direction") == 0);

  doc = to_json(sample_result());
  doc["raw"]["throughput"][0]["bytes"] = -5;
  CHECK(parse_result(doc.dump()).error() == "raw.throughput[0].bytes: must not be negative");

  doc = to_json(sample_result());
  doc["raw"]["probes"][0]["received_us"] = -1;
  CHECK(parse_result(doc.dump()).error() == "raw.probes[0].received_us: earlier than sent_us");

  doc = to_json(sample_result());
  doc["summary"]["overall"] = "Z";
  CHECK(parse_result(doc.dump()).error().find("summary.overall") == 0);

  doc = to_json(sample_result());
  doc["plan"]["phases"] = json::array();
  CHECK(parse_result(doc.dump()).error().find("plan.phases") == 0);

  doc = to_json(sample_result());
  doc.erase("raw");
  CHECK(parse_result(doc.dump()).error() == "raw: missing");
}

TEST_CASE("oversized documents are refused before parsing") {
  const std::string huge(kMaxResultBytes + 1, ' ');
  CHECK(parse_result(huge).error().find("too large") != std::string::npos);
}

TEST_CASE("a document without a summary still parses, for recomputation") {
  auto doc = to_json(sample_result());
  doc.erase("summary");
  const auto r = parse_result(doc.dump());
  REQUIRE(r.ok());
  CHECK(r.value().summary.phases.empty());
}

TEST_CASE("flags have stable ids and sentences") {
  for (auto f : {Flag::ClientBusy, Flag::ServerBusy, Flag::TooFewProbes, Flag::NotSaturated, Flag::Aborted,
                 Flag::ClientDelay}) {
    CHECK(flag_from_string(to_string(f)) == f);
    CHECK_FALSE(describe(f).empty());
  }
  CHECK_FALSE(flag_from_string("bogus").has_value());
}

// A result document is untrusted: numbers outside what a real plan can
// produce are refused with the field named (result_limits.hpp), before any
// computation loops over them. This document once pinned the server's
// results thread: a 4e18 µs warm-up judged in 1 µs spans.
TEST_CASE("numbers outside what a real plan produces are refused, naming the field") {
  const auto refused = [](const std::function<void(json&)>& edit) {
    auto doc = to_json(sample_result());
    edit(doc);
    const auto parsed = parse_result(doc.dump());
    return parsed.ok() ? std::string("accepted") : parsed.error();
  };
  CHECK(refused([](json& d) { d["plan"]["phases"][1]["duration_us"] = 4'000'000'000'000'000'000LL; }) ==
        "plan.phases[1].duration_us: must be from 0 to 3600000000");
  CHECK(refused([](json& d) { d["plan"]["stream_add_interval_us"] = 1; }) ==
        "plan.stream_add_interval_us: must be from 100000 to 60000000");
  CHECK(refused([](json& d) { d["plan"]["probe_interval_us"] = 1; }).find("plan.probe_interval_us:") == 0);
  CHECK(refused([](json& d) { d["plan"]["throughput_interval_us"] = 0; }).find("plan.throughput_interval_us:") == 0);
  CHECK(refused([](json& d) { d["plan"]["max_streams"] = 1'000'000; }).find("plan.max_streams:") == 0);
  CHECK(refused([](json& d) { d["plan"]["max_streams"] = 2; }).find("plan.max_streams: must be from 4") == 0);
  CHECK(refused([](json& d) { d["plan"]["phases"][0]["grade_skip_us"] = 9'000'000; })
            .find("plan.phases[0].grade_skip_us:") == 0);
  CHECK(refused([](json& d) {
          for (auto& ph : d["plan"]["phases"]) ph["duration_us"] = 1'000'000'000;  // 6 phases of 1000 s
        }).find("plan.phases[3].duration_us: the plan's phases add up to more than an hour") == 0);
  CHECK(refused([](json& d) { d["raw"]["phases"][0]["end_us"] = INT64_MAX; }) ==
        "raw.phases[0].end_us: must be from -4503599627370496 to 4503599627370496");
  CHECK(refused([](json& d) { d["raw"]["phases"][0]["end_us"] = 4'000'000'000'000LL; })
            .find("raw.phases[0].end_us: a phase longer than an hour") == 0);
  CHECK(refused([](json& d) { d["raw"]["probes"][0]["sent_us"] = INT64_MIN; }).find("raw.probes[0].sent_us:") == 0);
  CHECK(refused([](json& d) { d["raw"]["probes"][0]["server_echo_us"] = -3; }).find("raw.probes[0].server_echo_us:") == 0);
  CHECK(refused([](json& d) { d["raw"]["throughput"][0]["start_us"] = INT64_MAX; }).find("raw.throughput[0].start_us:") == 0);
  CHECK(refused([](json& d) { d["raw"]["throughput"][0]["stream"] = 5'000'000'000LL; }).find("raw.throughput[0].stream:") == 0);
  CHECK(refused([](json& d) { d["raw"]["streams"]["download"] = 3'000'000'000LL; }).find("raw.streams.download:") == 0);
  // The plans this project runs are inside every bound.
  CHECK(refused([](json&) {}) == "accepted");
}

namespace {
// sample_result() with a UDP series: three requests, the second lost, the
// third's reply arrived twice.
Result sample_with_udp() {
  auto r = sample_result();
  UdpRaw udp;
  udp.interval_us = 20'000;
  udp.datagram_bytes = 172;
  udp.ended_us = 2'000'000;
  udp.send_failed = 1;
  udp.request_sent_us = {0, 20'000, 40'000};
  udp.replies = {{0, 0, 1, 9'000, 5'000'004'000, 5'000'004'030},
                 {2, 1, 2, 49'000, 5'000'044'000, 5'000'044'030},
                 {2, 1, 2, 49'500, 5'000'044'000, 5'000'044'030}};
  r.raw.udp = udp;
  UdpSeriesSummary s;
  s.offset_from = "probe_lane";
  s.requests = 3;
  s.answered = 2;
  s.up.sent = 3;
  s.up.received = 2;
  s.up.lost = 1;
  s.up.loss_percent = 100.0 / 3;
  s.down.duplicated = 1;
  s.down.one_way_ms = summarize(std::vector<double>{4.5, 4.5});
  UdpPhaseSummary phase;
  phase.name = "baseline";
  phase.requests = 3;
  s.phases.push_back(phase);
  r.summary.udp = s;
  return r;
}
}  // namespace

TEST_CASE("a UDP series survives serialization; a document without one reads as before") {
  const auto r = sample_with_udp();
  const auto text = serialize_result(r);
  const auto back = parse_result(text);
  REQUIRE_MESSAGE(back.ok(), back.error());
  CHECK(serialize_result(back.value()) == text);
  const auto& b = back.value();
  REQUIRE(b.raw.udp);
  CHECK(b.raw.udp->request_sent_us.size() == 3);
  CHECK(b.raw.udp->replies.size() == 3);
  CHECK(b.raw.udp->replies[1].server_send_us == 5'000'044'030);
  CHECK(b.raw.udp->send_failed == 1);
  REQUIRE(b.summary.udp);
  CHECK(b.summary.udp->up.lost == 1);
  CHECK(b.summary.udp->phases.size() == 1);
  const auto doc = json::parse(text);
  CHECK(doc["raw"]["probe_transport"] == "websocket");
  CHECK(doc["raw"]["udp"]["transport"] == "udp");
  CHECK(doc["raw"]["udp"]["status"] == "measured");
  CHECK(doc["summary"]["udp"]["grades"] == false);
  CHECK(doc["plan"]["udp_interval_us"] == 20'000);

  // A file written before the UDP series: no probe_transport, no plan keys.
  auto old = to_json(sample_result());
  old["raw"].erase("probe_transport");
  for (const char* key : {"udp_interval_us", "udp_datagram_bytes", "udp_late_after_us"}) old["plan"].erase(key);
  const auto read = parse_result(old.dump());
  REQUIRE_MESSAGE(read.ok(), read.error());
  CHECK_FALSE(read.value().raw.udp);
  CHECK_FALSE(read.value().summary.udp);
  CHECK(read.value().raw.probe_transport == "websocket");
  CHECK(read.value().plan.udp_interval_us == PhasePlan{}.udp_interval_us);
  CHECK(read.value().plan.udp_late_after_us == PhasePlan{}.udp_late_after_us);
  CHECK_FALSE(json::parse(serialize_result(sample_result()))["raw"].contains("udp"));
}

TEST_CASE("a malformed UDP series is refused, naming the field") {
  const auto refused = [](const std::function<void(json&)>& edit) {
    auto doc = to_json(sample_with_udp());
    edit(doc);
    const auto parsed = parse_result(doc.dump());
    REQUIRE_FALSE(parsed.ok());
    return parsed.error();
  };
  CHECK(refused([](json& d) { d["raw"]["udp"]["replies"][2]["seq"] = 3; }) == "raw.udp.replies[2].seq: no such request");
  CHECK(refused([](json& d) { d["raw"]["udp"]["requests"][1]["seq"] = 5; }) ==
        "raw.udp.requests[1].seq: expected the request's place in the list");
  CHECK(refused([](json& d) { d["raw"]["udp"]["requests"][2]["sent_us"] = 10; }) ==
        "raw.udp.requests[2].sent_us: earlier than the request before");
  CHECK(refused([](json& d) { d["raw"]["udp"]["replies"][0]["received_us"] = -1; }) ==
        "raw.udp.replies[0].received_us: earlier than its request's sent_us");
  CHECK(refused([](json& d) { d["raw"]["udp"]["replies"][0]["server_send_us"] = 0; }) ==
        "raw.udp.replies[0].server_send_us: earlier than server_recv_us");
  CHECK(refused([](json& d) { d["raw"]["udp"]["replies"][1]["reply_seq"] = 2; }) ==
        "raw.udp.replies[1].reply_seq: not below requests_received");
  CHECK(refused([](json& d) { d["raw"]["udp"]["status"] = "maybe"; }).find("raw.udp.status: expected measured") == 0);
  CHECK(refused([](json& d) { d["raw"]["udp"]["transport"] = "tcp"; }) == "raw.udp.transport: expected \"udp\"");
  CHECK(refused([](json& d) { d["raw"]["probe_transport"] = "udp"; }).find("raw.probe_transport") == 0);
  CHECK(refused([](json& d) { d["raw"]["udp"]["datagram_bytes"] = 9000; }).find("raw.udp.datagram_bytes") == 0);
  CHECK(refused([](json& d) { d["plan"]["udp_interval_us"] = 5; }).find("plan.udp_interval_us") == 0);
  CHECK(refused([](json& d) { d["summary"]["udp"]["up"]["lost"] = -1; }) == "summary.udp.up.lost: must not be negative");
  CHECK(refused([](json& d) {
          auto& replies = d["raw"]["udp"]["replies"];
          for (int i = 0; i < 70; ++i) replies.push_back(replies[0]);
        }).find("raw.udp.replies: too many items") == 0);
}
