#include "bloatmeter/household_user_client.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {
namespace {

// What the server says is its word, not a measurement of ours: stamps and
// counts outside what a result may hold (result_limits.hpp, as parse_result
// checks; JSON integers are read as int64) are not a working server's, and
// would overflow the sums recompute() makes or be refused when the result
// is read back.
bool plausible_count(std::uint64_t n) { return n <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()); }

// A report's counter: a non-negative integer a result may hold, or nothing.
std::optional<std::uint64_t> counter(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  const auto n = it->get<std::uint64_t>();
  return plausible_count(n) ? std::optional<std::uint64_t>(n) : std::nullopt;
}

}  // namespace

HouseholdUserClient::HouseholdUserClient(UserProfile profile, Micros throughput_interval_us)
    : recorder_(std::move(profile), throughput_interval_us) {}

void HouseholdUserClient::on_open(Micros now_us) {
  if (!pacer_) pacer_.emplace(recorder_.profile().upload, now_us);
}

std::vector<HouseholdUserClient::Outgoing> HouseholdUserClient::take_due(Micros now_us, std::uint64_t room_bytes) {
  std::vector<Outgoing> out;
  if (!pacer_) return out;
  for (const auto& m : pacer_->take_due(now_us, room_bytes)) {
    Outgoing o;
    // A message is never shorter than its header.
    o.bytes = std::max<std::uint32_t>(m.bytes, static_cast<std::uint32_t>(kUploadHeaderBytes));
    household_wire::encode(UploadHeader{m.seq, now_us}, o.header);
    recorder_.on_upload_sent(m, now_us);
    out.push_back(o);
  }
  recorder_.set_upload_sender(pacer_->counts());
  return out;
}

Micros HouseholdUserClient::next_due_us() const {
  return pacer_ ? pacer_->next_due_us() : std::numeric_limits<Micros>::max();
}

void HouseholdUserClient::on_binary(std::span<const std::uint8_t> head, std::size_t message_bytes, Micros now_us) {
  const auto message = head.first(std::min(head.size(), message_bytes));
  if (const auto h = household_wire::decode_download(message)) {
    if (!is_plausible_time_us(h->server_sent_us) || !is_plausible_time_us(h->burst_started_us) || !plausible_count(h->burst_bytes))
      return;  // not a working server's header: ignored, as anything else
    DownloadArrival a;
    a.seq = h->seq;
    a.bytes = static_cast<std::uint32_t>(message_bytes);
    a.server_sent_us = h->server_sent_us;
    a.burst = h->burst;
    a.burst_bytes = h->burst_bytes;
    a.burst_started_us = h->burst_started_us;
    recorder_.on_download(a, now_us);
  } else if (const auto ack = household_wire::decode_upload_ack(message)) {
    if (is_plausible_time_us(ack->server_recv_us)) recorder_.on_upload_ack(ack->seq, ack->server_recv_us, now_us);
  }
}

void HouseholdUserClient::on_text(std::string_view text, Micros now_us) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  // Read without throwing: a field of the wrong type is as good as absent.
  if (j.is_discarded() || !j.is_object()) return;
  if (const auto type = j.find("type"); type == j.end() || !type->is_string() || *type != "report") return;
  std::optional<Micros> server_us;
  if (const auto it = j.find("server_us"); it != j.end() && it->is_number_integer() && is_plausible_time_us(it->get<Micros>()))
    server_us = it->get<Micros>();
  const auto received = counter(j, "received_bytes").value_or(upload_counts_.count());
  const auto growth = upload_counts_.add({received, server_us, std::nullopt});
  if (growth.bytes > 0) {
    if (offset_ && growth.span) {
      // On the client's clock, never in the future.
      const auto to_client = [&](Micros s) {
        return std::clamp(static_cast<Micros>(offset_->to_client_us(s)), Micros{0}, now_us);
      };
      const Micros end = to_client(growth.span->end_us);
      recorder_.on_upload_bytes(growth.bytes, std::min(end, to_client(growth.span->start_us)), end);
    } else {
      recorder_.on_upload_bytes(growth.bytes, now_us, now_us);
    }
  }
  if (j.contains("download") && j["download"].is_object()) {
    const auto& d = j["download"];
    SenderCounts c;
    c.sent_messages = counter(d, "sent_messages").value_or(0);
    c.sent_bytes = counter(d, "sent_bytes").value_or(0);
    c.dropped_messages = counter(d, "dropped_messages").value_or(0);
    c.dropped_bytes = counter(d, "dropped_bytes").value_or(0);
    recorder_.set_download_sender(c);
  }
}

}  // namespace bloatmeter
