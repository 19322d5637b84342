#pragma once
// What each WebSocket lane owes a client, as docs/protocol.md states it,
// kept by fuzz_websocket_messages while it plays a script: for every message
// the client sends, whether the lane must answer it (a probe's echo, an
// upload's acknowledgement) or refuse it (close code 1003, or Beast's 1009
// beyond kMaxClientMessage and 1007 for text that is not UTF-8); for every
// message the lane sends, whether it is one of the lane's own and, while
// the rules are exact, the answer owed next. No I/O: the driver reports
// what went over the wire and aborts on the first broken rule.
//
// Exact until the client writes a frame of its own making (Step::Op::Frame
// or Verbatim): from then on the server may see messages the rules never
// heard of, so answers are only checked for their shape.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bloatmeter/household_text_messages.hpp"
#include "bloatmeter/household_wire.hpp"
#include "bloatmeter/probe_wire.hpp"
#include "bloatmeter/upload_report.hpp"
#include "bloatmeter/utf8.hpp"
#include "websocket_common.hpp"
#include "websocket_script.hpp"

namespace bloatmeter::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz_websocket_messages: %s%s%.*s\n", what, detail.empty() ? "" : ": ",
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline constexpr std::uint16_t kUnsupportedData = 1003;  // the lanes' own refusal
inline constexpr std::uint16_t kBadPayload = 1007;       // Beast: text that is not UTF-8
inline constexpr std::uint16_t kTooBig = 1009;           // Beast: beyond read_message_max

class LaneRules {
 public:
  LaneRules(const Lane& lane, std::string user_id) : lane_(lane), user_id_(std::move(user_id)) {}

  // A whole message the client is about to send. Returns the close code
  // the lane must refuse it with, or 0.
  std::uint16_t on_sent(bool binary, std::span<const std::uint8_t> message) {
    if (message.size() > server::kMaxClientMessage) return on_sent_oversized(message.size());
    const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
    if (lane_.kind == LaneKind::Bulk) bulk_bytes_ += message.size();  // at most what a report may count
    if (!binary && !is_valid_utf8(text)) return kBadPayload;
    switch (lane_.kind) {
      case LaneKind::Probe:
        if (const auto r = binary ? probe_wire::decode_request(message) : std::nullopt) {
          probes_.push_back(*r);
          return 0;
        }
        return kUnsupportedData;
      case LaneKind::Household:
        if (const auto h = binary ? household_wire::decode_upload(message) : std::nullopt) {
          uploads_.push_back({h->seq, static_cast<std::uint32_t>(message.size()), h->client_sent_us, 0});
          return 0;
        }
        return kUnsupportedData;
      case LaneKind::Bulk:
        return 0;  // any message is load: counted, never answered
    }
    return 0;
  }

  // A message larger than the lane takes: Beast refuses it by its frame
  // header, before any payload (so the client may send the header alone).
  std::uint16_t on_sent_oversized(std::size_t size) {
    if (lane_.kind == LaneKind::Bulk) bulk_bytes_ += size;
    return kTooBig;
  }

  // The client wrote bytes of its own making.
  void loosen() { exact_ = false; }
  bool exact() const { return exact_; }
  // Answers owed and not yet received.
  std::size_t owed() const { return probes_.size() + uploads_.size(); }

  // A whole message the lane sent.
  void on_received(bool binary, std::span<const std::uint8_t> message) {
    const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
    const bool first = received_++ == 0;
    switch (lane_.kind) {
      case LaneKind::Probe: return probe_answer(binary, message);
      case LaneKind::Household:
        if (first && (binary || !is_hello(text))) fail("a household lane did not start with its hello", text.substr(0, 200));
        if (!binary) return first ? void() : household_report(text);
        return household_binary(message);
      case LaneKind::Bulk:
        if (binary) fail("the bulk upload lane sent a binary message");
        return bulk_report(text);
    }
  }

 private:
  void probe_answer(bool binary, std::span<const std::uint8_t> message) {
    if (!binary) fail("the probe lane sent a text message");
    const auto echo = probe_wire::decode_echo(message);
    if (!echo) fail("the probe lane sent a message that is not a 24-byte echo");
    const bool matches = !probes_.empty() && probes_.front().seq == echo->seq &&
                         probes_.front().client_send_us == echo->client_send_us;
    if (matches) {
      probes_.pop_front();
    } else if (exact_) {
      fail(probes_.empty() ? "an echo nobody asked for (a refused message echoed?)" : "an echo out of order or altered");
    }
  }

  void household_binary(std::span<const std::uint8_t> message) {
    if (const auto d = household_wire::decode_download(message)) {
      if (d->message_bytes != message.size()) fail("a download message whose message_bytes is not its size");
      return;
    }
    const auto ack = household_wire::decode_upload_ack(message);
    if (!ack || message.size() != kUploadAckBytes)
      fail("a household binary message that is neither a download nor an acknowledgement");
    const bool matches = !uploads_.empty() && uploads_.front().seq == ack->seq &&
                         uploads_.front().message_bytes == ack->message_bytes &&
                         uploads_.front().client_sent_us == ack->client_sent_us;
    if (matches) {
      uploads_.pop_front();
      ++acked_;
    } else if (exact_) {
      fail(uploads_.empty() ? "an acknowledgement nobody asked for" : "an acknowledgement out of order or altered");
    }
  }

  // Read without throwing: the server's text is what is under test.
  bool is_hello(std::string_view text) const {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return false;
    const auto field = [&j](const char* key) { const auto it = j.find(key); return it == j.end() ? nlohmann::json() : *it; };
    return field("type") == "hello" && field("user") == user_id_ && field("plan") == (lane_.quick ? "quick" : "standard") &&
           field("greedy") == lane_.greedy;
  }

  void household_report(std::string_view text) {
    const auto r = parse_household_report(text);
    if (!r) fail("a household text message that is not a report", text.substr(0, 200));
    // Counted when read, so never fewer than acknowledged nor more than sent.
    if (exact_ && (r->received_messages < acked_ || r->received_messages > acked_ + uploads_.size()))
      fail("a household report counts messages the client did not send", text.substr(0, 200));
  }

  void bulk_report(std::string_view text) {
    const auto r = parse_upload_report(text);
    if (!r) fail("a bulk upload text message that is not a report", text.substr(0, 200));
    if (exact_ && r->bytes > bulk_bytes_) fail("an upload report counts more bytes than were sent", text.substr(0, 200));
  }

  Lane lane_;
  std::string user_id_;
  bool exact_ = true;
  std::size_t received_ = 0;
  std::deque<probe_wire::Request> probes_;  // sent, echo owed
  std::deque<UploadAck> uploads_;           // sent, acknowledgement owed (server_recv_us unused)
  std::uint64_t acked_ = 0;
  std::uint64_t bulk_bytes_ = 0;
};

}  // namespace bloatmeter::fuzz
