// The virtual household's lanes (/ws/virtual-household/{user},
// docs/protocol.md) both ways:
//  - the server decodes each upload message's 16-byte header (any other
//    message is refused) and acknowledges it;
//  - a client decodes what a server it does not control sends (download
//    messages, upload acknowledgements, JSON reports) in HouseholdUserClient,
//    as the native client and the browser do, and the household result is
//    summarized from what it recorded (recompute, as `bloatmeter household`
//    does before printing).
//
// Input: a sequence of messages, each [kind][length: 2 bytes LE][payload].
// kind bit 0: a text message (else binary); bit 1: the message is longer
// than the payload (its first bytes only, as the client reads big download
// messages), by kind >> 2 KiB; kind >> 4 picks the user. Between messages
// the client's clock moves by (kind & 15) ms and the users' uploads are
// paced.
//
// Invariants: decoding and encoding are each other's inverse (padding read
// back as zero); a decoder accepts only its own kind and size; the client
// and the summary never fail on anything.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bloatmeter/household_plan.hpp"
#include "bloatmeter/household_user_client.hpp"
#include "bloatmeter/household_wire.hpp"
#include "bloatmeter/recompute.hpp"
#include "bloatmeter/result_json.hpp"
#include "bloatmeter/result.hpp"

namespace {

using namespace bloatmeter;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_household_wire: %s\n", what);
  std::abort();
}

[[noreturn]] void fail_with(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_household_wire: %s: %s\n", what, detail.c_str());
  std::abort();
}

template <std::size_t N, class Header>
void check_round_trip(std::span<const std::uint8_t> in, const Header& h, HouseholdKind kind,
                      std::initializer_list<std::size_t> padding) {
  if (in.size() < N || in[0] != 'B' || in[1] != 'H' || in[2] != kHouseholdVersion || in[3] != static_cast<std::uint8_t>(kind))
    fail("a decoder accepted another kind or a short message");
  std::array<std::uint8_t, N> out{};
  household_wire::encode(h, out);
  for (std::size_t i = 0; i < N; ++i) {
    const bool pad = std::find(padding.begin(), padding.end(), i) != padding.end();
    if (out[i] != (pad ? 0 : in[i])) fail("encoding a decoded header does not give its bytes back");
  }
}

void decoders(std::span<const std::uint8_t> in) {
  if (const auto d = household_wire::decode_download(in))
    check_round_trip<kDownloadHeaderBytes>(in, *d, HouseholdKind::Download, {13, 14, 15, 36, 37, 38, 39});
  if (const auto a = household_wire::decode_upload_ack(in))
    check_round_trip<kUploadAckBytes>(in, *a, HouseholdKind::UploadAck, {12, 13, 14, 15});
  if (const auto u = household_wire::decode_upload(in))
    check_round_trip<kUploadHeaderBytes>(in, *u, HouseholdKind::Upload, {});
  const int kinds = household_wire::decode_download(in).has_value() + household_wire::decode_upload_ack(in).has_value() +
                    household_wire::decode_upload(in).has_value();
  if (kinds > 1) fail("one message decoded as two kinds");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const HouseholdPlan plan = quick_household_plan();
  const Micros baseline_end = plan.baseline_us();
  const Micros users_end = baseline_end + plan.users_us();

  std::vector<HouseholdUserClient> users;
  for (const auto& profile : plan.profiles.users) {
    users.emplace_back(profile, plan.phases.throughput_interval_us);
    users.back().on_open(baseline_end);
  }
  if (users.empty()) fail("the quick plan has no users");

  Micros now = baseline_end;
  std::span<const std::uint8_t> rest(data, size);
  while (rest.size() >= 3) {
    const std::uint8_t kind = rest[0];
    const std::size_t len = std::min<std::size_t>(rest[1] | (rest[2] << 8), rest.size() - 3);
    const auto payload = rest.subspan(3, len);
    rest = rest.subspan(3 + len);

    decoders(payload);
    auto& user = users[(kind >> 4) % users.size()];
    now += (kind & 15) * 1'000;
    for (auto& u : users) (void)u.take_due(now, 0, 0);
    if (kind & 1) {
      user.on_text(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), now);
    } else if (kind & 2) {
      user.on_binary(payload.first(std::min(payload.size(), HouseholdUserClient::kHeadBytes)),
                     payload.size() + ((kind >> 2) & 3) * 1024, now);
    } else {
      user.on_binary(payload, now);
    }
    (void)user.recorder().current_mbps(Direction::Download, now);
  }

  const Micros end = std::max(now, users_end);
  Result result;
  result.meta.mode = kHouseholdMode;
  result.plan = plan.phases;
  result.profiles = plan.profiles;
  result.raw.phases = {{kHouseholdBaselinePhase, 0, baseline_end}, {kHouseholdUsersPhase, baseline_end, end}};
  HouseholdRaw raw;
  for (auto& u : users) {
    u.finish(end);
    raw.users.push_back(u.recorder().samples());
  }
  result.raw.household = std::move(raw);
  result.summary = recompute(result);
  // What the client then writes (--json, the browser's save) must read back.
  const auto reread = parse_result(serialize_result(result));
  if (!reread) fail_with("the client's own result does not parse", reread.error());
  return 0;
}
