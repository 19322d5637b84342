#pragma once
// What the server tells an upload stream about the bytes that reached it
// (docs/protocol.md, "Upload load"): the one definition of the
// /ws/bulk-upload report and of POST /upload's answer, written by the
// server and read by the native client. web/load-worker.js reads the same
// fields in JavaScript and hands them on unchanged (UploadCount's three
// numbers) to the page's C++.
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/clock.hpp"

namespace bloatmeter {

// One report: the stream's running count and when, on the server's clock,
// its bytes arrived.
struct UploadCount {
  std::uint64_t bytes = 0;          // payload bytes received since the stream opened
  std::optional<Micros> server_us;  // the server's clock at the count
  std::optional<Micros> first_us;   // no byte of the count arrived before this
};

// /ws/bulk-upload, every 250 ms: {"bytes": N, "server_us": T, "first_us": F}
// (F, the first byte's arrival, once N > 0).
nlohmann::json upload_report_json(const UploadCount& count);

// A report's fields, or nothing when `text` is not a report (a count beyond
// what a result may hold, result_limits.hpp, is not a working server's).
// Such times read as absent.
std::optional<UploadCount> parse_upload_report(std::string_view text);

// POST /upload's answer: {"bytes": N, "duration_ms": D, "server_us": T}, T
// when the body ended; its bytes arrived over the D ms before T.
nlohmann::json upload_answer_json(std::uint64_t bytes, double duration_ms, Micros server_us);

}  // namespace bloatmeter
