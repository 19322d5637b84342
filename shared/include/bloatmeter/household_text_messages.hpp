#pragma once
// The household lane's text messages (docs/protocol.md, "/ws/virtual-
// household/{user_id}", text messages): the one definition of the hello
// and the report, written by the server and read by the client's end of a
// lane (HouseholdUserClient, in the native client and the browser's
// household worker). The binary messages are household_wire.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/household_samples.hpp"

namespace bloatmeter {

// Sent once, first: what the server will do on this lane.
struct HouseholdHello {
  std::string user;               // the profile id
  std::string plan;               // quick | standard
  bool greedy = false;
  Micros server_us = 0;           // the server's clock when it sent this
  Micros start_us = 0;            // when the download schedule starts (server clock)
  Micros duration_us = 0;         // how long it runs
  std::string download_pattern;   // to_string(TrafficPattern)
  std::int64_t report_interval_ms = 0;
};

// Every report interval: what the server received and sent so far.
struct HouseholdReport {
  std::optional<Micros> server_us;              // the server's clock at the counts
  std::optional<std::uint64_t> received_bytes;  // whole upload messages read since the lane opened
  std::uint64_t received_messages = 0;
  std::uint64_t acks_dropped = 0;               // acknowledgements not sent to a client that does not read
  std::optional<SenderCounts> download;         // the download pacer's counts
  bool download_done = false;
};

// The hello also names the binary headers' sizes (household_wire.hpp).
nlohmann::json household_hello_json(const HouseholdHello& hello);
nlohmann::json household_report_json(const HouseholdReport& report);

// A report, or nothing when `text` is not one. Read without throwing: a
// field of the wrong type is as good as absent, and so are times and counts
// outside what a result may hold (result_limits.hpp).
std::optional<HouseholdReport> parse_household_report(std::string_view text);

}  // namespace bloatmeter
