// fuzz_fanout: the fan-out planner's re-plan fed arbitrary server mismatch responses (spec §8.4).
//
// Input: byte 0 picks the account the mismatch names (ours, the peer's, or another); every later
// byte b adds device id b / 3 to the missing (b % 3 == 0), extra (1) or stale (2) list. The plan is
// fixed: five devices each, sessions with all. A re-plan either fails with a typed error or
// partitions exactly the account's planned devices plus the missing ones, never touching the
// sender or the other account.
#include <cstddef>
#include <cstdint>
#include <set>

#include "check.h"
#include "parley/protocol/fanout/planner.h"

namespace {

namespace fanout = parley::protocol::fanout;
using parley::core::Errc;
constexpr std::uint64_t kAlice = 10, kBob = 20;

const fanout::FanoutPlan& fixed_plan() {
  static const auto plan = [] {
    fanout::FanoutRequest r{{kAlice, 1}, kBob, {}, {}, {}};
    for (std::uint32_t d = 1; d <= 5; ++d) {
      parley::crypto::X25519PublicKey k{};
      k[0] = static_cast<std::uint8_t>(d);
      r.peer_devices.push_back({d, k});
      r.own_devices.push_back({d, k});
      r.sessions.push_back({{kBob, d}, k, 1});
      r.sessions.push_back({{kAlice, d}, k, 1});
    }
    return fanout::plan(r).value();
  }();
  return plan;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint64_t accounts[] = {kAlice, kBob, 99};
  fanout::Mismatch m{accounts[data[0] % 3], {}, {}, {}};
  for (std::size_t i = 1; i < size; ++i) {
    const std::uint32_t id = data[i] / 3;
    (data[i] % 3 == 0 ? m.missing : data[i] % 3 == 1 ? m.extra : m.stale).push_back(id);
  }
  const fanout::DeviceAddress self{kAlice, 1};
  const auto replanned = fanout::replan(fixed_plan(), self, m);
  if (!replanned.ok()) {
    PARLEY_FUZZ_CHECK(replanned.code() == Errc::malformed || replanned.code() == Errc::limit_exceeded);
    return 0;
  }
  std::set<fanout::DeviceAddress> all;
  for (const auto* part : {&replanned->keep, &replanned->drop, &replanned->encrypt_fresh})
    for (const auto& a : *part) {
      PARLEY_FUZZ_CHECK(a.account == m.account);
      PARLEY_FUZZ_CHECK(a != self);
      PARLEY_FUZZ_CHECK(all.insert(a).second);  // each device in one part only
    }
  std::size_t planned = 0;
  for (const auto& e : fixed_plan().encryptions) planned += e.to.account == m.account;
  PARLEY_FUZZ_CHECK(all.size() == planned + m.missing.size());
  PARLEY_FUZZ_CHECK(replanned->drop.size() == m.extra.size());
  return 0;
}
