#include "probe_lane.hpp"

#include <cstring>

#include <emscripten/emscripten.h>
#include <emscripten/websocket.h>

namespace bloatmeter::web {

namespace {
template <class T>
T read_le(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // wasm is little-endian, as the protocol
  return v;
}
}  // namespace

bool ProbeLane::open(const std::string& url, EchoHandler on_echo) {
  on_echo_ = std::move(on_echo);
  EmscriptenWebSocketCreateAttributes attr;
  emscripten_websocket_init_create_attributes(&attr);
  attr.url = url.c_str();
  socket_ = emscripten_websocket_new(&attr);
  if (socket_ <= 0) {
    state_ = State::Closed;
    return false;
  }
  state_ = State::Connecting;
  emscripten_websocket_set_onopen_callback(socket_, this, reinterpret_cast<em_websocket_open_callback_func>(&ProbeLane::on_open));
  emscripten_websocket_set_onmessage_callback(socket_, this, reinterpret_cast<em_websocket_message_callback_func>(&ProbeLane::on_message));
  emscripten_websocket_set_onclose_callback(socket_, this, reinterpret_cast<em_websocket_close_callback_func>(&ProbeLane::on_close));
  emscripten_websocket_set_onerror_callback(socket_, this, reinterpret_cast<em_websocket_error_callback_func>(&ProbeLane::on_close));
  return true;
}

int ProbeLane::on_open(int, const void*, void* self) {
  static_cast<ProbeLane*>(self)->state_ = State::Open;
  return 1;
}

int ProbeLane::on_message(int, const void* event, void* self) {
  const double now = emscripten_get_now();
  auto* lane = static_cast<ProbeLane*>(self);
  const auto* e = static_cast<const EmscriptenWebSocketMessageEvent*>(event);
  if (e->isText || e->numBytes != 24 || !lane->on_echo_) return 1;
  ProbeEcho echo{read_le<std::uint32_t>(e->data), read_le<std::int64_t>(e->data + 12),
                 read_le<std::uint32_t>(e->data + 20), now};
  lane->on_echo_(echo);
  return 1;
}

int ProbeLane::on_close(int, const void*, void* self) {
  static_cast<ProbeLane*>(self)->state_ = State::Closed;
  return 1;
}

void ProbeLane::send(std::uint32_t seq, std::uint64_t client_send_us) {
  if (state_ != State::Open) return;
  std::uint8_t msg[12];
  std::memcpy(msg, &seq, 4);
  std::memcpy(msg + 4, &client_send_us, 8);
  emscripten_websocket_send_binary(socket_, msg, sizeof msg);
}

void ProbeLane::close() {
  if (socket_ > 0) {
    emscripten_websocket_close(socket_, 1000, "done");
    emscripten_websocket_delete(socket_);
    socket_ = 0;
  }
  state_ = State::Closed;
}

}  // namespace bloatmeter::web
