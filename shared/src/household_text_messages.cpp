#include "bloatmeter/household_text_messages.hpp"

#include "bloatmeter/household_wire.hpp"
#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {
namespace {

// A counter a result may hold, or nothing: what is not a working server's
// would overflow the sums recompute() makes.
std::optional<std::uint64_t> counter(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  const auto n = it->get<std::uint64_t>();
  return is_plausible_count(n) ? std::optional<std::uint64_t>(n) : std::nullopt;
}

}  // namespace

nlohmann::json household_hello_json(const HouseholdHello& h) {
  return {{"type", "hello"},
          {"user", h.user},
          {"plan", h.plan},
          {"greedy", h.greedy},
          {"server_us", h.server_us},
          {"start_us", h.start_us},
          {"duration_us", h.duration_us},
          {"download_pattern", h.download_pattern},
          {"download_header_bytes", kDownloadHeaderBytes},
          {"upload_header_bytes", kUploadHeaderBytes},
          {"report_interval_ms", h.report_interval_ms}};
}

nlohmann::json household_report_json(const HouseholdReport& r) {
  nlohmann::json j{{"type", "report"},
                   {"received_messages", r.received_messages},
                   {"acks_dropped", r.acks_dropped},
                   {"download_done", r.download_done}};
  if (r.server_us) j["server_us"] = *r.server_us;
  if (r.received_bytes) j["received_bytes"] = *r.received_bytes;
  if (r.download)
    j["download"] = {{"sent_messages", r.download->sent_messages},
                     {"sent_bytes", r.download->sent_bytes},
                     {"dropped_messages", r.download->dropped_messages},
                     {"dropped_bytes", r.download->dropped_bytes}};
  return j;
}

std::optional<HouseholdReport> parse_household_report(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  if (const auto type = j.find("type"); type == j.end() || !type->is_string() || *type != "report") return std::nullopt;
  HouseholdReport r;
  if (const auto it = j.find("server_us"); it != j.end() && it->is_number_integer() && is_plausible_time_us(it->get<Micros>()))
    r.server_us = it->get<Micros>();
  r.received_bytes = counter(j, "received_bytes");
  r.received_messages = counter(j, "received_messages").value_or(0);
  r.acks_dropped = counter(j, "acks_dropped").value_or(0);
  if (const auto d = j.find("download"); d != j.end() && d->is_object()) {
    SenderCounts c;
    c.sent_messages = counter(*d, "sent_messages").value_or(0);
    c.sent_bytes = counter(*d, "sent_bytes").value_or(0);
    c.dropped_messages = counter(*d, "dropped_messages").value_or(0);
    c.dropped_bytes = counter(*d, "dropped_bytes").value_or(0);
    r.download = c;
  }
  if (const auto it = j.find("download_done"); it != j.end() && it->is_boolean()) r.download_done = it->get<bool>();
  return r;
}

}  // namespace bloatmeter
