// The membership log (spec §11.2): who may change a group, what the server cannot do to it (add a
// member, forge, reorder, fork unnoticed), the layout and its limits at N and N + 1.
#include <gtest/gtest.h>

#include "membership_fixture.h"

namespace parley::protocol::groups {
namespace {

using core::Errc;
using testing::Accounts;
constexpr auto kAdd = MembershipChange::add;
constexpr auto kRemove = MembershipChange::remove;
constexpr auto kLeave = MembershipChange::leave;
constexpr auto kPromote = MembershipChange::promote;
constexpr auto kDemote = MembershipChange::demote;
constexpr auto kSubject = MembershipChange::subject;

TEST(MembershipLog, TheCreatorIsTheFirstAdminAndItsMembersAreIn) {
  Accounts accounts(1);
  const auto creation = accounts.creation(7, 10, {11, 12});
  auto log = MembershipLog::create(creation, accounts.keys()).value();
  const auto& s = log.state();
  EXPECT_EQ(s.version, 1u);
  EXPECT_EQ(s.subject, "lunch");
  EXPECT_EQ(s.members.size(), 3u);
  EXPECT_TRUE(s.is_admin(10));
  EXPECT_TRUE(s.is_member(11) && !s.is_admin(11));
  EXPECT_EQ(s.head, membership_entry_hash(creation));
  EXPECT_EQ(log.entries(), std::vector<core::Bytes>{creation});
}

TEST(MembershipLog, AdminsChangeTheGroupAndOtherMembersMayOnlyLeave) {
  Accounts accounts(2);
  auto keys = accounts.keys();
  auto log = MembershipLog::create(accounts.creation(1, 10, {11, 12}), keys).value();
  // A member who is not an admin: no change but leaving, whatever its signature.
  for (const auto& [change, targets, subject] :
       {std::tuple{kAdd, std::vector<std::uint64_t>{13}, ""}, std::tuple{kRemove, std::vector<std::uint64_t>{12}, ""},
        std::tuple{kPromote, std::vector<std::uint64_t>{12}, ""}, std::tuple{kSubject, std::vector<std::uint64_t>{}, "mine"}})
    EXPECT_EQ(log.apply(accounts.change(log.state(), change, 11, targets, subject), keys).code(), Errc::unauthorized);
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kAdd, 10, {13, 14}), keys).ok());
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kPromote, 10, {11}), keys).ok());
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kRemove, 11, {14}), keys).ok());  // 11 is an admin now
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kSubject, 11, {}, "dinner"), keys).ok());
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kDemote, 10, {11}), keys).ok());
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kLeave, 12), keys).ok());
  const auto& s = log.state();
  EXPECT_EQ(s.version, 7u);
  EXPECT_EQ(s.subject, "dinner");
  EXPECT_EQ(s.members, (std::map<std::uint64_t, GroupRole>{{10, GroupRole::admin}, {11, GroupRole::member}, {13, GroupRole::member}}));
  // Targets the state contradicts; a leave by someone not in the group.
  EXPECT_EQ(log.apply(accounts.change(s, kAdd, 10, {13}), keys).code(), Errc::conflict);
  EXPECT_EQ(log.apply(accounts.change(s, kRemove, 10, {12}), keys).code(), Errc::conflict);
  EXPECT_EQ(log.apply(accounts.change(s, kPromote, 10, {12}), keys).code(), Errc::conflict);
  EXPECT_EQ(log.apply(accounts.change(s, kDemote, 10, {13}), keys).code(), Errc::conflict);
  EXPECT_EQ(log.apply(accounts.change(s, kLeave, 12), keys).code(), Errc::unauthorized);
  EXPECT_EQ(log.state().version, 7u);  // none of them changed anything
}

TEST(MembershipLog, TheLastAdminLeavingHandsTheGroupToTheLowestAccount) {
  Accounts accounts(3);
  auto keys = accounts.keys();
  auto log = MembershipLog::create(accounts.creation(1, 20, {31, 30}), keys).value();
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kLeave, 20), keys).ok());
  EXPECT_TRUE(log.state().is_admin(30));
  EXPECT_FALSE(log.state().is_admin(31));
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kLeave, 30), keys).ok());
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kLeave, 31), keys).ok());
  EXPECT_TRUE(log.state().members.empty());
  EXPECT_EQ(log.apply(accounts.change(log.state(), kAdd, 20, {40}), keys).code(), Errc::unauthorized);
}

// Spec §9: the server stores and serves the log, and is an attacker.
TEST(MembershipLog, TheServerCannotAddAMemberForgeAnEntryOrSignForAnAdmin) {
  Accounts accounts(4);
  auto keys = accounts.keys();
  auto log = MembershipLog::create(accounts.creation(1, 10, {11}), keys).value();
  const auto state = log.state();
  // A key nobody vouched for, claiming the admin's account (device 1 or a companion).
  Accounts server(99);
  auto forged = next_membership_entry(state, kAdd, 10, 1, {}, {66}, "", 5);
  auto by_server = server.sign(forged);  // signed with the server's own "account 10" key
  EXPECT_EQ(log.apply(by_server, keys).code(), Errc::untrusted_identity);
  EXPECT_EQ(log.apply(server.sign(forged, /*by_companion=*/true), keys).code(), Errc::bad_signature);
  // An account the verifier has no key for.
  EXPECT_EQ(log.apply(server.change(state, kAdd, 77, {66}), keys).code(), Errc::not_found);
  // The admin's real entry with one bit changed anywhere: refused, state unchanged.
  const auto real = accounts.change(state, kAdd, 10, {12});
  for (std::size_t at = 0; at < real.size(); at += 7) {
    auto bent = real;
    bent[at] ^= 0x20;
    EXPECT_FALSE(log.apply(bent, keys).ok()) << "byte " << at;
  }
  EXPECT_EQ(log.state(), state);
  EXPECT_TRUE(log.apply(real, keys).ok());
}

TEST(MembershipLog, AReplayIsNothingAForkIsAConflictAGapWaits) {
  Accounts accounts(5);
  auto keys = accounts.keys();
  const auto creation = accounts.creation(1, 10, {11, 12});
  auto log = MembershipLog::create(creation, keys).value();
  const auto v1 = log.state();
  const auto add = accounts.change(v1, kAdd, 10, {13});
  ASSERT_TRUE(log.apply(add, keys).ok());
  const auto v2 = log.state();
  EXPECT_TRUE(log.apply(add, keys).ok());  // the same entry again: nothing happens
  EXPECT_TRUE(log.apply(creation, keys).ok());
  EXPECT_EQ(log.state(), v2);
  // Another history from version 2 on (the server showing members different logs): detected.
  EXPECT_EQ(log.apply(accounts.change(v1, kRemove, 10, {12}), keys).code(), Errc::conflict);
  EXPECT_EQ(log.apply(accounts.creation(1, 10, {11}), keys).code(), Errc::conflict);
  // The next version, but naming another previous entry.
  auto skewed = next_membership_entry(v2, kAdd, 10, 1, {}, {14}, "", 3);
  skewed.previous = v1.head;
  EXPECT_EQ(log.apply(accounts.sign(skewed), keys).code(), Errc::conflict);
  // Past the next version: apply() refuses it, receive() holds it until the gap fills.
  const auto third = accounts.change(v2, kAdd, 10, {14});
  ASSERT_TRUE(log.apply(third, keys).ok());
  const auto fourth = accounts.change(log.state(), kRemove, 10, {11});
  auto late = MembershipLog::create(creation, keys).value();
  EXPECT_EQ(late.apply(third, keys).code(), Errc::too_far_in_future);
  EXPECT_EQ(late.receive(fourth, keys).value(), 0u);
  EXPECT_EQ(late.receive(third, keys).value(), 0u);
  EXPECT_EQ(late.held(), 2u);
  EXPECT_EQ(late.receive(add, keys).value(), 3u);
  ASSERT_TRUE(log.apply(fourth, keys).ok());
  EXPECT_EQ(late.state(), log.state());
  EXPECT_EQ(late.entries(), log.entries());
  // Another group's entry.
  auto other = MembershipLog::create(accounts.creation(2, 10, {11}), keys).value();
  EXPECT_EQ(other.apply(add, keys).code(), Errc::malformed);
}

// Found by fuzz_membership_log: a held entry is judged only when its turn comes; one that does not
// follow then is dropped, and the entry whose arrival let it be judged stays applied.
TEST(MembershipLog, AHeldEntryThatDoesNotFollowIsDroppedAndTheArrivalStands) {
  Accounts accounts(10);
  auto keys = accounts.keys();
  const auto creation = accounts.creation(1, 10, {11});
  auto log = MembershipLog::create(creation, keys).value();
  const auto v1 = log.state();
  const auto add = accounts.change(v1, kAdd, 10, {12});
  ASSERT_TRUE(log.apply(add, keys).ok());
  const auto by_member = accounts.change(log.state(), kAdd, 11, {13});  // 11 is no admin
  const auto by_admin = accounts.change(log.state(), kAdd, 10, {13});
  auto late = MembershipLog::create(creation, keys).value();
  EXPECT_EQ(late.receive(by_member, keys).value(), 0u);
  EXPECT_EQ(late.held(), 1u);
  EXPECT_EQ(late.receive(add, keys).value(), 1u);
  EXPECT_EQ(late.held(), 0u);
  EXPECT_EQ(late.state(), log.state());
  EXPECT_EQ(late.receive(by_admin, keys).value(), 1u);
  EXPECT_TRUE(late.state().is_member(13));
}

TEST(MembershipLog, ACompanionActsForItsAccountWithItsSignedDeviceIdentity) {
  Accounts accounts(6);
  auto keys = accounts.keys();
  auto log = MembershipLog::create(accounts.creation(1, 10, {11}), keys).value();
  const auto by_companion = accounts.change(log.state(), kAdd, 10, {12}, "", true);
  ASSERT_TRUE(log.apply(by_companion, keys).ok());
  EXPECT_TRUE(log.state().is_member(12));
  // Account 11's companion identity carried by an entry of account 10: not 10's device.
  auto entry = next_membership_entry(log.state(), kAdd, 10, 2, accounts[10].companion.public_key, {13}, "", 3);
  crypto::StreamEntropy entropy(1);
  const auto wrong = sign_membership_entry(entry, accounts[10].companion, accounts[11].companion_identity, entropy).value();
  EXPECT_EQ(log.apply(wrong, keys).code(), Errc::untrusted_identity);
  // A companion entry without its identity, or a primary's with one: malformed.
  auto bare = by_companion;
  bare.resize(bare.size() - devices::kSignedDeviceIdentitySize);
  EXPECT_EQ(decode_signed_membership_entry(bare).code(), Errc::malformed);
}

TEST(MembershipLog, LayoutRoundTripsAndRefusesWhatItCannotCarry) {
  Accounts accounts(7);
  GroupMembership none;
  auto e = next_membership_entry(none, MembershipChange::create, 10, 1, accounts[10].primary.public_key, {12, 11}, "s", 9);
  EXPECT_EQ(e.targets, (std::vector<std::uint64_t>{11, 12}));  // sorted
  const auto bytes = encode_membership_entry(e);
  EXPECT_EQ(bytes.size(), 2u + 16 + 8 + 32 + 8 + 8 + 4 + 33 + 1 + 1 + 1 + 2 + 16);
  EXPECT_EQ(decode_membership_entry(bytes).value(), e);
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(decode_membership_entry(longer).code(), Errc::malformed);
  EXPECT_EQ(decode_membership_entry(core::BytesView(bytes).first(bytes.size() - 1)).code(), Errc::malformed);
  auto prefix = bytes;
  prefix[1] = 0x01;
  EXPECT_EQ(decode_membership_entry(prefix).code(), Errc::malformed);
  crypto::StreamEntropy entropy(2);
  const auto refuse = [&](MembershipEntry m, Errc code) {
    EXPECT_EQ(sign_membership_entry(m, accounts[10].primary, std::nullopt, entropy).code(), code);
  };
  auto m = e;
  m.targets = {12, 11};
  refuse(m, Errc::malformed);  // not ascending
  m.targets = {11, 10};
  std::sort(m.targets.begin(), m.targets.end());
  refuse(m, Errc::malformed);  // the author among its targets
  m = e;
  m.subject = "";
  refuse(m, Errc::malformed);  // a creation without a subject
  m.subject = std::string(kMaxGroupSubject, 's');
  EXPECT_TRUE(sign_membership_entry(m, accounts[10].primary, std::nullopt, entropy).ok());
  m.subject += "s";
  refuse(m, Errc::limit_exceeded);
  m = e;
  m.version = 2;
  refuse(m, Errc::malformed);  // a creation is version 1
  m = next_membership_entry(none, kLeave, 10, 1, accounts[10].primary.public_key, {11}, "", 1);
  m.version = 2;
  refuse(m, Errc::malformed);  // a leave names no targets
  m.targets = {};
  m.subject = "x";
  refuse(m, Errc::malformed);  // nor a subject
  m = next_membership_entry(none, kAdd, 10, 1, accounts[10].primary.public_key, {}, "", 1);
  m.version = 2;
  refuse(m, Errc::malformed);  // an add with nobody
  m.change = static_cast<MembershipChange>(8);
  m.targets = {11};
  refuse(m, Errc::malformed);
}

TEST(MembershipLog, MembersAtNAndNPlusOne) {
  Accounts accounts(8);
  auto keys = accounts.keys();
  std::vector<std::uint64_t> others;
  for (std::uint64_t a = 2; a <= kMaxGroupMembers; ++a) others.push_back(a);  // 1023 besides the creator
  auto log = MembershipLog::create(accounts.creation(1, 1, others), keys).value();
  EXPECT_EQ(log.state().members.size(), kMaxGroupMembers);
  EXPECT_EQ(log.apply(accounts.change(log.state(), kAdd, 1, {5000}), keys).code(), Errc::limit_exceeded);
  ASSERT_TRUE(log.apply(accounts.change(log.state(), kRemove, 1, {2}), keys).ok());
  EXPECT_TRUE(log.apply(accounts.change(log.state(), kAdd, 1, {5000}), keys).ok());
  others.push_back(kMaxGroupMembers + 1);  // 1024 targets: a group of 1025
  GroupMembership none;
  none.group.fill(3);
  auto too_many = next_membership_entry(none, MembershipChange::create, 1, 1, accounts[1].primary.public_key, others, "s", 1);
  crypto::StreamEntropy entropy(3);
  EXPECT_EQ(sign_membership_entry(too_many, accounts[1].primary, std::nullopt, entropy).code(), Errc::limit_exceeded);
  auto bytes = encode_membership_entry(too_many);
  EXPECT_EQ(decode_membership_entry(bytes).code(), Errc::limit_exceeded);
}

TEST(MembershipLog, HeldEntriesAtNAndNPlusOne) {
  Accounts accounts(9);
  auto keys = accounts.keys();
  const auto creation = accounts.creation(1, 1, {});
  auto full = MembershipLog::create(creation, keys).value();
  std::vector<core::Bytes> changes;
  for (std::uint64_t i = 0; i < kMaxHeldMembershipEntries + 2; ++i) {
    changes.push_back(accounts.change(full.state(), kSubject, 1, {}, "s" + std::to_string(i)));
    ASSERT_TRUE(full.apply(changes.back(), keys).ok());
  }
  auto late = MembershipLog::create(creation, keys).value();
  for (std::size_t i = 1; i <= kMaxHeldMembershipEntries; ++i) EXPECT_EQ(late.receive(changes[i], keys).value(), 0u);
  EXPECT_EQ(late.receive(changes[kMaxHeldMembershipEntries + 1], keys).code(), Errc::limit_exceeded);
  EXPECT_EQ(late.receive(changes[0], keys).value(), kMaxHeldMembershipEntries + 1);
  EXPECT_EQ(late.receive(changes[kMaxHeldMembershipEntries + 1], keys).value(), 1u);
  EXPECT_EQ(late.state(), full.state());
}

}  // namespace
}  // namespace parley::protocol::groups
