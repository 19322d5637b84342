#pragma once
// fuzz_websocket_messages' input format: which lane a client opens and the
// steps it then plays on it. Pure decoding, no I/O, so the format is read
// in one place and the driver only acts on it.
//
// Byte 0 picks the lane: bits 0-1 the kind (0 probe, 1 household,
// 2 household with greedy=1, 3 bulk upload), bits 2-3 the household user
// (its index in the profile set), bit 4 the plan (0 quick, 1 standard).
// Then steps, each [op][length: 2 bytes LE][payload], at most kMaxSteps:
// op bits 0-2 say what the step is, bits 3-7 (`param`) tune it (Step::Op).
// A step whose length runs past the input takes what is left.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bloatmeter::fuzz {

enum class LaneKind { Probe, Household, Bulk };

struct Lane {
  LaneKind kind = LaneKind::Probe;
  int user = 0;  // household only
  bool greedy = false;
  bool quick = true;
};

struct Step {
  enum class Op : std::uint8_t {
    Binary = 0,     // one binary message of message_size() bytes, the payload repeated
    Text = 1,       // the same as a text message
    Ping = 2,       // a ping carrying the payload (first 125 bytes)
    Close = 3,      // the client closes: payload = code (2 bytes LE), reason (first 123 bytes)
    Frame = 4,      // a frame the client builds itself: payload[0] its first byte (FIN, RSV, opcode), masked
    Verbatim = 5,   // the payload written to the socket as it is (unmasked garbage, split frames, ...)
    Wait = 6,       // wait until the lane has answered everything the client is owed
    Fragments = 7,  // one message in (param >> 1) + 2 frames; param bit 0: text
  };
  Op op = Op::Binary;
  std::uint8_t param = 0;
  std::span<const std::uint8_t> payload;
};

struct Script {
  Lane lane;
  std::vector<Step> steps;
};

// Enough for a lane's whole life (a probe test sends one every 100 ms or
// so); more would only make each input slower.
inline constexpr std::size_t kMaxSteps = 32;

// How long a Binary or Text step's message is, for a lane that takes
// messages of up to `limit` bytes: param 0 the payload as it is, 1-28
// param * 4 KiB (across Beast's and the sessions' buffer sizes; larger ones
// would only cost time: every byte is masked, unmasked and maybe checked as
// UTF-8, each instrumented), 29 exactly `limit`, 30 one byte more, 31 64 MiB.
inline std::size_t message_size(const Step& step, std::size_t limit) {
  if (step.param == 0) return step.payload.size();
  if (step.param <= 28) return step.param * std::size_t{4 * 1024};
  if (step.param == 29) return limit;
  if (step.param == 30) return limit + 1;
  return 64 * 1024 * 1024;
}

inline Script read_script(std::span<const std::uint8_t> in) {
  Script s;
  if (in.empty()) return s;
  const auto b = in[0];
  constexpr LaneKind kinds[] = {LaneKind::Probe, LaneKind::Household, LaneKind::Household, LaneKind::Bulk};
  s.lane.kind = kinds[b & 3];
  s.lane.greedy = (b & 3) == 2;
  s.lane.user = (b >> 2) & 3;
  s.lane.quick = ((b >> 4) & 1) == 0;
  auto rest = in.subspan(1);
  while (rest.size() >= 3 && s.steps.size() < kMaxSteps) {
    Step step;
    step.op = static_cast<Step::Op>(rest[0] & 7);
    step.param = static_cast<std::uint8_t>(rest[0] >> 3);
    const std::size_t len = std::min<std::size_t>(rest[1] | (rest[2] << 8), rest.size() - 3);
    step.payload = rest.subspan(3, len);
    rest = rest.subspan(3 + len);
    s.steps.push_back(step);
  }
  return s;
}

}  // namespace bloatmeter::fuzz
