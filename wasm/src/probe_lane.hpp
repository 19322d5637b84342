#pragma once
// The probe lane: its own WebSocket to /ws/probe (docs/protocol.md), never
// shared with bulk data. Receive times are taken in the message callback.
#include <cstdint>
#include <functional>
#include <string>

namespace bloatmeter::web {

struct ProbeEcho {
  std::uint32_t seq;
  std::int64_t server_recv_us;
  std::uint32_t echo_delay_us;
  double received_ms;  // client clock at arrival
};

class ProbeLane {
 public:
  using EchoHandler = std::function<void(const ProbeEcho&)>;
  enum class State { Idle, Connecting, Open, Closed };

  bool open(const std::string& url, EchoHandler on_echo);
  void send(std::uint32_t seq, std::uint64_t client_send_us);
  void close();
  State state() const { return state_; }

 private:
  static int on_open(int, const void*, void* self);
  static int on_message(int, const void* event, void* self);
  static int on_close(int, const void*, void* self);
  int socket_ = 0;
  State state_ = State::Idle;
  EchoHandler on_echo_;
};

}  // namespace bloatmeter::web
