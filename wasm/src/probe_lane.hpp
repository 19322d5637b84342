#pragma once
// The probe lane: its own WebSocket to /ws/probe (docs/protocol.md), never
// shared with bulk data, run by a Web Worker that keeps the probe schedule
// and stamps every send and echo, so the page's drawing cannot delay them:
// web/probe-worker.js, or with ?probe_worker=core the core compiled to
// WebAssembly (wasm/probe_worker/). This class is the page's handle on it.
#include <cstdint>
#include <functional>
#include <string>

#include "bloatmeter/clock.hpp"
#include "bloatmeter/lane_end.hpp"

namespace bloatmeter::web {

struct ProbeSent {
  std::uint32_t seq;
  Micros due_us;
  Micros sent_us;
};

struct ProbeEcho {
  std::uint32_t seq;
  Micros received_us;  // test clock, stamped by the worker on arrival
  std::int64_t server_recv_us;
  std::uint32_t echo_delay_us;
};

class ProbeLane {
 public:
  using SentHandler = std::function<void(const ProbeSent&)>;
  using EchoHandler = std::function<void(const ProbeEcho&)>;
  enum class State { Idle, Connecting, Open, Closed };

  ProbeLane();
  ~ProbeLane();
  ProbeLane(const ProbeLane&) = delete;
  ProbeLane& operator=(const ProbeLane&) = delete;

  bool open(const std::string& url, SentHandler on_sent, EchoHandler on_echo);
  // Starts the schedule: t = 0 is `start_ms` on the page's clock
  // (performance.now()), a probe every `interval_us`.
  void start(double start_ms, Micros interval_us);
  void close();
  State state() const { return state_; }
  // Why a closed lane ended, as a test's abort reason (lane_end.hpp): the
  // server's 1012 says it restarts; anything else is a lost connection.
  std::string end_reason() const { return std::string(lane_end_reason(close_code_)); }

  // From the worker, through the page (see probe_lane.cpp).
  void on_worker_open() { if (state_ == State::Connecting) state_ = State::Open; }
  void on_worker_closed(int close_code) {
    state_ = State::Closed;
    close_code_ = close_code;
  }
  void on_worker_sent(const ProbeSent& s) { if (on_sent_) on_sent_(s); }
  void on_worker_echo(const ProbeEcho& e) { if (on_echo_) on_echo_(e); }

 private:
  int handle_ = 0;
  State state_ = State::Idle;
  int close_code_ = 0;  // the WebSocket close frame's code; 0 for none
  SentHandler on_sent_;
  EchoHandler on_echo_;
};

}  // namespace bloatmeter::web
