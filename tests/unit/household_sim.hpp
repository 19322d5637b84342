#pragma once
// A household test run over a simulated link, for recompute() tests: every
// user's flows paced by the shared Pacer (the server's download pacers on
// its own clock), carried by one FIFO bottleneck per direction with a
// fixed base delay, and recorded by the shared UserRecorder as a household
// result's raw samples.
// Acknowledgements of upload messages queue behind the download traffic,
// as on a real link. The buffer is unbounded (a bloated link's queue
// grows), so no sender ever lacks room.
#include <algorithm>
#include <vector>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_recorder.hpp"
#include "bloatmeter/pacer.hpp"
#include "bloatmeter/result.hpp"
#include "bloatmeter/throughput_meter.hpp"

namespace bloatmeter::testing {

struct SimLink {
  double down_mbps = 500;
  double up_mbps = 100;
  Micros base_down_us = 5'000;  // one-way, idle
  Micros base_up_us = 5'000;
  Micros server_minus_client_us = 3LL * 3600 * 1'000'000;  // the server's clock runs 3 h ahead
  Micros poll_us = 1'000;                                     // how often the senders run
  Micros echo_us = 50;
};

class HouseholdSim {
 public:
  HouseholdSim(HouseholdPlan plan, SimLink link) : plan_(std::move(plan)), link_(link) {}

  Result run() {
    Result r;
    r.meta.mode = kHouseholdMode;
    r.meta.client = "native";
    r.meta.tool_version = "test";
    r.plan = plan_.phases;
    r.profiles = plan_.profiles;
    const Micros baseline_end = plan_.baseline_us();
    end_us_ = baseline_end + plan_.users_us();
    r.raw.phases = {{kHouseholdBaselinePhase, 0, baseline_end}, {kHouseholdUsersPhase, baseline_end, end_us_}};
    baseline_probes(r, baseline_end);

    const auto& users = plan_.profiles.users;
    std::vector<UserRecorder> recorders;
    for (const auto& u : users) recorders.emplace_back(u, r.plan.throughput_interval_us);

    // Upload first: its arrivals decide when acknowledgements join the
    // download queue.
    struct Sent {
      Micros at;
      std::size_t user;
      PacedMessage msg;
      bool ack;  // an acknowledgement of upload message msg.seq, read by the server at msg.due_us
    };
    std::vector<Sent> up_sent, down_sent;
    std::vector<Pacer> up_pacers, down_pacers;
    for (const auto& u : users) {
      up_pacers.emplace_back(u.upload, baseline_end);
      down_pacers.emplace_back(u.download, baseline_end);
    }
    for (Micros t = baseline_end; t < end_us_; t += link_.poll_us)
      for (std::size_t i = 0; i < users.size(); ++i) {
        for (const auto& m : up_pacers[i].take_due(t)) {
          up_sent.push_back({t, i, m, false});
          recorders[i].on_upload_sent(m, t);
        }
        for (const auto& m : down_pacers[i].take_due(t)) down_sent.push_back({t, i, m, false});
      }

    Fifo up(link_.up_mbps, link_.base_up_us);
    for (const auto& s : up_sent) {
      const Micros arrival = up.carry(s.at, s.msg.bytes);
      // The server counts the bytes (its report reaches the client about
      // when they arrive) and acknowledges timed messages at once; the ack
      // rides the download queue.
      if (arrival < end_us_) recorders[s.user].on_upload_bytes(s.msg.bytes, arrival, arrival);
      if (users[s.user].upload.timed)
        down_sent.push_back({arrival + link_.echo_us, s.user, PacedMessage{s.msg.seq, 64, arrival, 0, false, false}, true});
    }
    std::stable_sort(down_sent.begin(), down_sent.end(), [](const Sent& a, const Sent& b) { return a.at < b.at; });

    Fifo down(link_.down_mbps, link_.base_down_us);
    for (const auto& s : down_sent) {
      const Micros arrival = down.carry(s.at, s.msg.bytes);
      if (arrival >= end_us_) continue;  // the client has stopped listening
      auto& recorder = recorders[s.user];
      if (s.ack) {
        recorder.on_upload_ack(s.msg.seq, s.msg.due_us + link_.server_minus_client_us, arrival);
        continue;
      }
      const auto& pacer = down_pacers[s.user];
      DownloadArrival a;
      a.seq = s.msg.seq;
      a.bytes = s.msg.bytes;
      a.server_sent_us = s.at + link_.server_minus_client_us;
      a.burst = s.msg.burst;
      a.burst_started_us = pacer.burst_start_us(s.msg.burst) + link_.server_minus_client_us;
      a.burst_bytes = pacer.burst_bytes();
      recorder.on_download(a, arrival);
    }

    HouseholdRaw raw;
    for (std::size_t i = 0; i < users.size(); ++i) {
      recorders[i].set_upload_sender(up_pacers[i].counts());
      recorders[i].set_download_sender(down_pacers[i].counts());
      recorders[i].finish(end_us_);
      raw.users.push_back(recorders[i].samples());
    }
    r.raw.household = std::move(raw);
    return r;
  }

 private:
  // One direction's bottleneck: first in, first out, at a fixed rate.
  struct Fifo {
    Fifo(double mbps, Micros base_us) : mbps(mbps), base_us(base_us) {}
    double mbps;
    Micros base_us;
    double free_at = 0;  // when the bottleneck finishes what it holds
    Micros carry(Micros sent, std::uint32_t bytes) {
      free_at = std::max(free_at, static_cast<double>(sent)) + bytes * 8.0 / mbps;
      return static_cast<Micros>(free_at) + base_us;
    }
  };

  // The probe lane during the baseline: an idle link.
  void baseline_probes(Result& r, Micros baseline_end) const {
    std::uint32_t seq = 0;
    for (Micros t = 0; t < baseline_end; t += r.plan.probe_interval_us) {
      ProbeRecord p;
      p.seq = seq++;
      p.sent_us = t;
      p.server_recv_us = t + link_.base_up_us + link_.server_minus_client_us;
      p.server_echo_us = link_.echo_us;
      p.received_us = t + link_.base_up_us + link_.echo_us + link_.base_down_us;
      r.raw.probes.push_back(p);
    }
  }

  HouseholdPlan plan_;
  SimLink link_;
  Micros end_us_ = 0;
};

}  // namespace bloatmeter::testing
