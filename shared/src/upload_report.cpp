#include "bloatmeter/upload_report.hpp"

#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {
namespace {

// A server time a client keeps, or nothing (read without throwing: a field
// of the wrong type is as good as absent).
std::optional<Micros> time_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  const auto t = it->get<Micros>();
  return is_plausible_time_us(t) ? std::optional<Micros>(t) : std::nullopt;
}

}  // namespace

nlohmann::json upload_report_json(const UploadCount& count) {
  nlohmann::json j{{"bytes", count.bytes}};
  if (count.server_us) j["server_us"] = *count.server_us;
  if (count.first_us) j["first_us"] = *count.first_us;
  return j;
}

std::optional<UploadCount> parse_upload_report(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto bytes = j.find("bytes");
  if (bytes == j.end() || !bytes->is_number_unsigned() || !is_plausible_count(bytes->get<std::uint64_t>())) return std::nullopt;
  return UploadCount{bytes->get<std::uint64_t>(), time_field(j, "server_us"), time_field(j, "first_us")};
}

nlohmann::json upload_answer_json(std::uint64_t bytes, double duration_ms, Micros server_us) {
  return {{"bytes", bytes}, {"duration_ms", duration_ms}, {"server_us", server_us}};
}

}  // namespace bloatmeter
