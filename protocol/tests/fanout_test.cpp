// The fan-out planner (spec §8.4): one encryption per device, own devices wrapped, no session means
// a bundle first, a changed identity is surfaced and skipped, and a server mismatch is re-planned
// so that only what changed is encrypted again.
#include "parley/protocol/fanout/planner.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

namespace parley::protocol::fanout {
namespace {

using core::Errc;

crypto::X25519PublicKey key(std::uint32_t n) {
  crypto::X25519PublicKey k{};
  k[0] = static_cast<std::uint8_t>(n);
  k[1] = static_cast<std::uint8_t>(n >> 8);
  k[31] = 0x40;
  return k;
}

constexpr std::uint64_t kAlice = 10, kBob = 20;

std::vector<ListedDevice> devices(std::uint64_t account, std::uint32_t count) {
  std::vector<ListedDevice> out;
  for (std::uint32_t d = 1; d <= count; ++d) out.push_back({d, key(static_cast<std::uint32_t>(account * 100 + d))});
  return out;
}

FanoutRequest five_by_five(bool with_sessions) {
  FanoutRequest r{{kAlice, 1}, kBob, devices(kBob, 5), devices(kAlice, 5), {}};
  if (with_sessions) {
    for (const auto& d : r.peer_devices) r.sessions.push_back({{kBob, d.device}, d.identity_key, 7});
    for (const auto& d : r.own_devices) r.sessions.push_back({{kAlice, d.device}, d.identity_key, 7});
  }
  return r;
}

TEST(Fanout, OneEncryptionPerDeviceOfBothAccountsButTheSender) {
  const auto p = plan(five_by_five(true)).value();
  ASSERT_EQ(p.encryptions.size(), 9u);  // Bob's 5 and Alice's other 4
  for (const auto& e : p.encryptions) {
    EXPECT_NE(e.to, (DeviceAddress{kAlice, 1}));
    EXPECT_EQ(e.payload, e.to.account == kBob ? Payload::message : Payload::sent_to_own_device);
    EXPECT_FALSE(e.needs_bundle);
    EXPECT_EQ(e.incarnation, 7u);
  }
  EXPECT_TRUE(p.bundle_fetches.empty());
  EXPECT_TRUE(p.identity_changes.empty());
}

TEST(Fanout, DevicesWithoutASessionNeedABundleFirst) {
  auto r = five_by_five(true);
  r.sessions.erase(r.sessions.begin());  // Bob's device 1
  const auto p = plan(r).value();
  EXPECT_EQ(p.bundle_fetches, std::vector<std::uint64_t>{kBob});
  const auto fresh = std::count_if(p.encryptions.begin(), p.encryptions.end(), [](const Encryption& e) { return e.needs_bundle; });
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(plan(five_by_five(false)).value().bundle_fetches, (std::vector<std::uint64_t>{kBob, kAlice}));
}

TEST(Fanout, AChangedIdentityIsSurfacedAndNeverEncryptedTo) {
  auto r = five_by_five(true);
  r.peer_devices[2].identity_key = key(999);  // Bob's device 3 reinstalled
  const auto p = plan(r).value();
  ASSERT_EQ(p.identity_changes.size(), 1u);
  EXPECT_EQ(p.identity_changes[0].device, (DeviceAddress{kBob, 3}));
  EXPECT_EQ(p.identity_changes[0].new_key, key(999));
  EXPECT_EQ(p.encryptions.size(), 8u);
  for (const auto& e : p.encryptions) EXPECT_NE(e.to, (DeviceAddress{kBob, 3}));
}

TEST(Fanout, ANoteToSelfGoesToOurOtherDevicesUnwrapped) {
  FanoutRequest r{{kAlice, 2}, kAlice, devices(kAlice, 3), devices(kAlice, 3), {}};
  const auto p = plan(r).value();
  ASSERT_EQ(p.encryptions.size(), 2u);
  for (const auto& e : p.encryptions) EXPECT_EQ(e.payload, Payload::message);
}

TEST(Fanout, BadListsAreRefused) {
  auto r = five_by_five(true);
  r.own_devices.erase(r.own_devices.begin());  // no primary
  EXPECT_EQ(plan(r).code(), Errc::malformed);
  r = five_by_five(true);
  r.self.device = 9;  // removed from our own list
  EXPECT_EQ(plan(r).code(), Errc::malformed);
  r = five_by_five(true);
  r.peer_devices.push_back(r.peer_devices.back());
  EXPECT_EQ(plan(r).code(), Errc::malformed);
}

TEST(Fanout, AMismatchIsReplannedForThatAccountOnly) {
  const auto p = plan(five_by_five(true)).value();
  const auto r = replan(p, {kAlice, 1}, {kBob, {6}, {5}, {2}}).value();
  EXPECT_EQ(r.account, kBob);
  EXPECT_EQ(r.keep, (std::vector<DeviceAddress>{{kBob, 1}, {kBob, 3}, {kBob, 4}}));
  EXPECT_EQ(r.drop, (std::vector<DeviceAddress>{{kBob, 5}}));
  EXPECT_EQ(r.encrypt_fresh, (std::vector<DeviceAddress>{{kBob, 2}, {kBob, 6}}));
  EXPECT_TRUE(r.refresh_device_list);
}

TEST(Fanout, AMismatchThatContradictsThePlanIsRefused) {
  const auto p = plan(five_by_five(true)).value();
  const DeviceAddress self{kAlice, 1};
  EXPECT_EQ(replan(p, self, {kBob, {2}, {}, {}}).code(), Errc::malformed);     // "missing" but sent
  EXPECT_EQ(replan(p, self, {kBob, {}, {9}, {}}).code(), Errc::malformed);     // "extra" but not sent
  EXPECT_EQ(replan(p, self, {kBob, {}, {}, {9}}).code(), Errc::malformed);     // "stale" but not sent
  EXPECT_EQ(replan(p, self, {kBob, {}, {2}, {2}}).code(), Errc::malformed);    // one id, two lists
  EXPECT_EQ(replan(p, self, {kBob, {}, {}, {}}).code(), Errc::malformed);      // nothing wrong
  EXPECT_EQ(replan(p, self, {kAlice, {1}, {}, {}}).code(), Errc::malformed);   // the sender itself
  EXPECT_EQ(replan(p, self, {99, {}, {1}, {}}).code(), Errc::malformed);       // another account
  EXPECT_EQ(replan(p, self, {kBob, std::vector<std::uint32_t>(65, 7), {}, {}}).code(), Errc::limit_exceeded);
}

// kMaxMismatchIds ids at most: 64 consistent ids are re-planned, 65 are refused.
TEST(Fanout, ReplanIdsAtNAndNPlusOne) {
  const auto p = plan(five_by_five(true)).value();
  const DeviceAddress self{kAlice, 1};
  std::vector<std::uint32_t> missing;
  for (std::uint32_t id = 100; id < 100 + kMaxMismatchIds; ++id) missing.push_back(id);  // none of them was sent to
  const auto at = replan(p, self, {kBob, missing, {}, {}});
  ASSERT_TRUE(at.ok()) << core::to_string(at.error());
  EXPECT_EQ(at->encrypt_fresh.size(), kMaxMismatchIds);
  missing.push_back(100 + kMaxMismatchIds);
  EXPECT_EQ(replan(p, self, {kBob, missing, {}, {}}).code(), Errc::limit_exceeded);
}

// Any lists and sessions: every listed device but the sender is either encrypted to once or
// reported as an identity change, and any consistent mismatch partitions the account's devices.
RC_GTEST_PROP(Fanout, EveryDeviceIsCoveredOnceAndMismatchesPartition, ()) {
  const auto peer_count = *rc::gen::inRange<std::uint32_t>(1, 6);
  const auto own_count = *rc::gen::inRange<std::uint32_t>(1, 6);
  FanoutRequest r{{kAlice, *rc::gen::inRange<std::uint32_t>(1, own_count + 1)}, kBob, devices(kBob, peer_count),
                  devices(kAlice, own_count), {}};
  for (const auto& d : r.peer_devices) {
    const auto kind = *rc::gen::inRange(0, 3);  // none, matching, changed
    if (kind > 0) r.sessions.push_back({{kBob, d.device}, kind == 1 ? d.identity_key : key(5000 + d.device), 1});
  }
  const auto p = plan(r).value();
  std::set<DeviceAddress> covered;
  for (const auto& e : p.encryptions) RC_ASSERT(covered.insert(e.to).second);
  for (const auto& c : p.identity_changes) RC_ASSERT(covered.insert(c.device).second);
  RC_ASSERT(covered.size() == peer_count + own_count - 1);
  RC_ASSERT(!covered.contains(r.self));

  std::vector<std::uint32_t> sent;
  for (const auto& e : p.encryptions)
    if (e.to.account == kBob) sent.push_back(e.to.device);
  RC_PRE(!sent.empty());
  Mismatch m{kBob, {}, {}, {}};
  for (const auto id : sent) {
    const auto fate = *rc::gen::inRange(0, 3);  // keep, extra, stale
    if (fate == 1) m.extra.push_back(id);
    if (fate == 2) m.stale.push_back(id);
  }
  if (*rc::gen::arbitrary<bool>()) m.missing.push_back(100);
  RC_PRE(!m.missing.empty() || !m.extra.empty() || !m.stale.empty());
  const auto rp = replan(p, r.self, m).value();
  RC_ASSERT(rp.keep.size() + rp.drop.size() + rp.encrypt_fresh.size() == sent.size() + m.missing.size());
  RC_ASSERT(rp.drop.size() == m.extra.size());
}

}  // namespace
}  // namespace parley::protocol::fanout
