#include "bloatmeter/household_user_client.hpp"

#include <algorithm>
#include <limits>

#include "bloatmeter/household_text_messages.hpp"
#include "bloatmeter/result_limits.hpp"

namespace bloatmeter {

HouseholdUserClient::HouseholdUserClient(UserProfile profile, Micros throughput_interval_us)
    : recorder_(std::move(profile), throughput_interval_us) {}

void HouseholdUserClient::on_open(Micros now_us) {
  if (!pacer_) pacer_.emplace(recorder_.profile().upload, now_us);
}

std::vector<HouseholdUserClient::Outgoing> HouseholdUserClient::take_due(Micros now_us, std::uint64_t app_queued_bytes,
                                                                        std::uint64_t system_unsent_bytes) {
  std::vector<Outgoing> out;
  if (!pacer_) return out;
  const auto room = send_room(pacer_->spec(), app_queued_bytes, system_unsent_bytes);
  for (const auto& m : pacer_->take_due(now_us, room)) {
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
    if (!is_plausible_time_us(h->server_sent_us) || !is_plausible_time_us(h->burst_started_us) || !is_plausible_count(h->burst_bytes))
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
  const auto report = parse_household_report(text);
  if (!report) return;
  const auto received = report->received_bytes.value_or(upload_counts_.count());
  const auto growth = upload_counts_.add({received, report->server_us, std::nullopt});
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
  if (report->download) recorder_.set_download_sender(*report->download);
}

}  // namespace bloatmeter
