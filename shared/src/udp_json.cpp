#include "udp_json.hpp"

#include "bloatmeter/result_limits.hpp"
#include "bloatmeter/udp_probe_wire.hpp"
#include "json_values.hpp"

namespace bloatmeter::detail {

using nlohmann::json;

json udp_direction_summary_to_json(const UdpDirectionSummary& d) {
  return {{"sent", d.sent},
          {"received", d.received},
          {"lost", d.lost},
          {"reordered", d.reordered},
          {"duplicated", d.duplicated},
          {"late", d.late},
          {"loss_percent", opt(d.loss_percent)},
          {"late_percent", opt(d.late_percent)},
          {"one_way_ms", stats_or_null(d.one_way_ms)}};
}

namespace {

// An hour of requests at the fastest probe rate a plan may have.
constexpr std::size_t kMaxUdpRequests = kMaxTestUs / kMinProbeIntervalUs;
// A server answers each arrival at most once, and copies made on the way
// add no more than that again (udp_lane_tally.cpp's counter ceiling).
std::size_t max_replies(std::size_t requests) { return 2 * requests + 64; }

UdpSeriesStatus udp_status_from(const JsonReader& in) {
  const auto text = in.string("status");
  const auto status = udp_series_status_from_string(text);
  if (!status) in.fail("status", "expected measured, blocked, refused, unavailable or off");
  return *status;
}

UdpDirectionSummary udp_direction_from(const JsonReader& in) {
  UdpDirectionSummary d;
  d.sent = static_cast<std::uint64_t>(in.non_negative("sent"));
  d.received = static_cast<std::uint64_t>(in.non_negative("received"));
  d.lost = static_cast<std::uint64_t>(in.non_negative("lost"));
  d.reordered = static_cast<std::uint64_t>(in.non_negative("reordered"));
  d.duplicated = static_cast<std::uint64_t>(in.non_negative("duplicated"));
  d.late = static_cast<std::uint64_t>(in.non_negative("late"));
  d.loss_percent = in.optional_number("loss_percent");
  d.late_percent = in.optional_number("late_percent");
  d.one_way_ms = stats_from(in, "one_way_ms");
  return d;
}

// The counts a phase and the whole series both carry.
template <typename T>
void udp_counts_to_json(const T& c, json& out) {
  out["requests"] = c.requests;
  out["answered"] = c.answered;
  out["server_unanswered"] = c.server_unanswered;
  out["in_flight"] = c.in_flight;
  out["lost_unattributed"] = c.lost_unattributed;
  out["up"] = udp_direction_summary_to_json(c.up);
  out["down"] = udp_direction_summary_to_json(c.down);
}

template <typename T>
void udp_counts_from(const JsonReader& in, T& c) {
  c.requests = static_cast<std::uint64_t>(in.non_negative("requests"));
  c.answered = static_cast<std::uint64_t>(in.non_negative("answered"));
  c.server_unanswered = static_cast<std::uint64_t>(in.non_negative("server_unanswered"));
  c.in_flight = static_cast<std::uint64_t>(in.non_negative("in_flight"));
  c.lost_unattributed = static_cast<std::uint64_t>(in.non_negative("lost_unattributed"));
  c.up = udp_direction_from(in.object("up"));
  c.down = udp_direction_from(in.object("down"));
}

// The fields both forms of a flow's samples carry.
json udp_raw_header(const UdpRaw& raw) {
  return {{"transport", "udp"},
          {"status", to_string(raw.status)},
          {"reason", raw.reason},
          {"interval_us", raw.interval_us},
          {"datagram_bytes", raw.datagram_bytes},
          {"ended_us", raw.ended_us},
          {"send_failed", raw.send_failed}};
}

UdpRaw udp_raw_header_from(const JsonReader& in) {
  UdpRaw raw;
  if (in.string_or("transport", "udp") != "udp") in.fail("transport", "expected \"udp\"");
  raw.status = udp_status_from(in);
  raw.reason = in.string_or("reason", "");
  raw.interval_us = in.integer_in("interval_us", 0, kMaxProbeIntervalUs);
  raw.datagram_bytes = static_cast<std::uint32_t>(in.integer_in("datagram_bytes", 0, udp_probe_wire::kMaxDatagramBytes));
  raw.ended_us = in.time_us("ended_us");
  raw.send_failed = static_cast<std::uint64_t>(in.non_negative("send_failed"));
  return raw;
}

// What is wrong with a reply a file holds, as (field, why); nothing when
// it could be one: to a request sent, counters in order, after its request,
// sent after it was received.
std::optional<std::pair<std::string, std::string>> reply_problem(const UdpRaw& raw, const UdpReplyRecord& rec) {
  if (rec.seq >= raw.request_sent_us.size()) return std::pair<std::string, std::string>{"seq", "no such request"};
  if (rec.reply_seq >= rec.requests_received)
    return std::pair<std::string, std::string>{"reply_seq", "not below requests_received"};
  if (rec.received_us < raw.request_sent_us[rec.seq])
    return std::pair<std::string, std::string>{"received_us", "earlier than its request's sent_us"};
  if (rec.server_send_us < rec.server_recv_us)
    return std::pair<std::string, std::string>{"server_send_us", "earlier than server_recv_us"};
  return std::nullopt;
}

}  // namespace

json udp_raw_to_json(const UdpRaw& raw) {
  json out = udp_raw_header(raw);
  json requests = json::array();
  for (std::size_t seq = 0; seq < raw.request_sent_us.size(); ++seq)
    requests.push_back({{"seq", seq}, {"sent_us", raw.request_sent_us[seq]}});
  json replies = json::array();
  for (const auto& r : raw.replies) {
    json reply = {{"seq", r.seq},
                  {"reply_seq", r.reply_seq},
                  {"requests_received", r.requests_received},
                  {"received_us", r.received_us},
                  {"server_recv_us", r.server_recv_us},
                  {"server_send_us", r.server_send_us}};
    // RRUL's flows only: the UDP series' replies stay as they were.
    if (r.tos_at_server) reply["tos_at_server"] = *r.tos_at_server;
    if (r.tos_at_client) reply["tos_at_client"] = *r.tos_at_client;
    replies.push_back(std::move(reply));
  }
  out["requests"] = requests;
  out["replies"] = replies;
  return out;
}

UdpRaw udp_raw_from(const JsonReader& in) {
  UdpRaw raw = udp_raw_header_from(in);
  in.each("requests", [&](const JsonReader& r) {
    if (r.uint32("seq") != raw.request_sent_us.size()) r.fail("seq", "expected the request's place in the list");
    const auto sent = r.time_us("sent_us");
    if (!raw.request_sent_us.empty() && sent < raw.request_sent_us.back()) r.fail("sent_us", "earlier than the request before");
    raw.request_sent_us.push_back(sent);
  }, kMaxUdpRequests);
  in.each("replies", [&](const JsonReader& r) {
    UdpReplyRecord rec;
    rec.seq = r.uint32("seq");
    rec.reply_seq = r.uint32("reply_seq");
    rec.requests_received = r.uint32("requests_received");
    rec.received_us = r.time_us("received_us");
    rec.server_recv_us = r.time_us("server_recv_us");
    rec.server_send_us = r.time_us("server_send_us");
    if (r.has("tos_at_server")) rec.tos_at_server = static_cast<std::uint8_t>(r.integer_in("tos_at_server", 0, 255));
    if (r.has("tos_at_client")) rec.tos_at_client = static_cast<std::uint8_t>(r.integer_in("tos_at_client", 0, 255));
    if (const auto problem = reply_problem(raw, rec)) r.fail(problem->first, problem->second);
    raw.replies.push_back(rec);
  }, max_replies(raw.request_sent_us.size()));
  return raw;
}

json udp_raw_to_columns(const UdpRaw& raw) {
  json out = udp_raw_header(raw);
  json sent = json::array();
  Micros previous = 0;
  for (const auto t : raw.request_sent_us) {
    sent.push_back(t - previous);
    previous = t;
  }
  json seq = json::array(), reply_seq = json::array(), received = json::array(), server_recv = json::array(),
       hold = json::array(), at_server = json::array(), at_client = json::array();
  Micros previous_recv = 0;
  for (const auto& r : raw.replies) {
    seq.push_back(r.seq);
    reply_seq.push_back(r.reply_seq);
    received.push_back(r.requests_received);
    server_recv.push_back(r.server_recv_us - previous_recv);
    previous_recv = r.server_recv_us;
    hold.push_back(r.server_send_us - r.server_recv_us);
    at_server.push_back(r.tos_at_server ? json(*r.tos_at_server) : json(nullptr));
    at_client.push_back(r.tos_at_client ? json(*r.tos_at_client) : json(nullptr));
  }
  json rtt = json::array();
  for (const auto& r : raw.replies) rtt.push_back(r.received_us - raw.request_sent_us[r.seq]);
  out["sent_us"] = sent;
  out["replies"] = {{"seq", seq},           {"reply_seq", reply_seq}, {"requests_received", received},
                    {"rtt_us", rtt},        {"server_recv_us", server_recv}, {"hold_us", hold},
                    {"tos_at_server", at_server}, {"tos_at_client", at_client}};
  return out;
}

UdpRaw udp_raw_from_columns(const JsonReader& in) {
  UdpRaw raw = udp_raw_header_from(in);
  Micros t = 0;
  in.each("sent_us", [&](const JsonReader& item) {
    if (!item.node().is_number_integer()) throw JsonFieldError(item.path() + ": expected a whole number of µs");
    const auto delta = item.node().get<std::int64_t>();
    if (delta < 0 || delta > kMaxTestUs) throw JsonFieldError(item.path() + ": must be 0 to " + std::to_string(kMaxTestUs));
    t += delta;
    if (!is_plausible_time_us(t)) throw JsonFieldError(item.path() + ": the time is out of range");
    raw.request_sent_us.push_back(t);
  }, kMaxUdpRequests);
  const auto replies = in.object("replies");
  // Each column as integers in [lo, hi] (nulls allowed where `nullable`).
  const auto column = [&](const char* key, std::int64_t lo, std::int64_t hi, bool nullable) {
    std::vector<std::optional<std::int64_t>> out;
    replies.each(key, [&](const JsonReader& item) {
      if (nullable && item.node().is_null()) return out.push_back(std::nullopt);
      if (!item.node().is_number_integer()) throw JsonFieldError(item.path() + ": expected an integer");
      const auto v = item.node().get<std::int64_t>();
      if (v < lo || v > hi) throw JsonFieldError(item.path() + ": must be " + std::to_string(lo) + " to " + std::to_string(hi));
      out.push_back(v);
    }, max_replies(raw.request_sent_us.size()));
    return out;
  };
  const auto seq = column("seq", 0, UINT32_MAX, false);
  const auto reply_seq = column("reply_seq", 0, UINT32_MAX, false);
  const auto received = column("requests_received", 0, UINT32_MAX, false);
  const auto rtt = column("rtt_us", 0, kMaxTestUs, false);
  const auto server_recv = column("server_recv_us", -2 * kMaxTimeUs, 2 * kMaxTimeUs, false);
  const auto hold = column("hold_us", 0, kMaxTestUs, false);
  const auto at_server = column("tos_at_server", 0, 255, true);
  const auto at_client = column("tos_at_client", 0, 255, true);
  for (const auto* c : {&reply_seq, &received, &rtt, &server_recv, &hold, &at_server, &at_client})
    if (c->size() != seq.size()) replies.fail("seq", "the columns differ in length");
  Micros recv = 0;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const auto at = [&](const char* key) { return std::string(key) + "[" + std::to_string(i) + "]"; };
    UdpReplyRecord rec;
    rec.seq = static_cast<std::uint32_t>(*seq[i]);
    rec.reply_seq = static_cast<std::uint32_t>(*reply_seq[i]);
    rec.requests_received = static_cast<std::uint32_t>(*received[i]);
    if (rec.seq >= raw.request_sent_us.size()) replies.fail(at("seq"), "no such request");
    rec.received_us = raw.request_sent_us[rec.seq] + *rtt[i];
    recv += *server_recv[i];
    if (!is_plausible_time_us(recv) || !is_plausible_time_us(rec.received_us))
      replies.fail(at("server_recv_us"), "the time is out of range");
    rec.server_recv_us = recv;
    rec.server_send_us = recv + *hold[i];
    if (at_server[i]) rec.tos_at_server = static_cast<std::uint8_t>(*at_server[i]);
    if (at_client[i]) rec.tos_at_client = static_cast<std::uint8_t>(*at_client[i]);
    if (const auto problem = reply_problem(raw, rec)) replies.fail(at(problem->first.c_str()), problem->second);
    raw.replies.push_back(rec);
  }
  return raw;
}

json udp_summary_to_json(const UdpSeriesSummary& s) {
  json phases = json::array();
  for (const auto& p : s.phases) {
    json phase = {{"name", p.name}};
    udp_counts_to_json(p, phase);
    phases.push_back(std::move(phase));
  }
  json out = {{"transport", "udp"},
              {"status", to_string(s.status)},
              {"reason", s.reason},
              {"grades", false},
              {"offset_from", opt(s.offset_from)},
              {"send_failed", s.send_failed},
              {"phases", phases}};
  udp_counts_to_json(s, out);
  return out;
}

UdpSeriesSummary udp_summary_from(const JsonReader& in) {
  UdpSeriesSummary s;
  s.status = udp_status_from(in);
  s.reason = in.string_or("reason", "");
  if (in.has("offset_from")) s.offset_from = in.string("offset_from");
  s.send_failed = static_cast<std::uint64_t>(in.non_negative("send_failed"));
  udp_counts_from(in, s);
  in.each("phases", [&](const JsonReader& p) {
    UdpPhaseSummary phase;
    phase.name = p.string("name");
    udp_counts_from(p, phase);
    s.phases.push_back(std::move(phase));
  }, kMaxPhases);
  return s;
}

}  // namespace bloatmeter::detail
