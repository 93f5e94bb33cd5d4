// The server's part of the membership log (spec §11.2), over both engines: entries stored in
// version order, each following the last one stored, appended only by the device that made it, and
// served in pages.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace parley::server::testing {
namespace {

using core::Errc;
namespace groups = protocol::groups;

template <typename Engine>
class GroupLogStoreTest : public StoreTest<Engine> {
 protected:
  // The next entry after `log` by `author` (see group_entry), with a seed of its own.
  core::Bytes entry(const DeviceRecord& author, const std::vector<core::Bytes>& log, std::string subject = "s",
                    bool skew = false) {
    return group_entry(group(), log, mailbox(author), ++seed_, std::move(subject), skew);
  }
  core::Bytes group(std::uint8_t id = 9) const { return core::Bytes(16, id); }

 private:
  std::uint64_t seed_ = 0;
};

using Engines = ::testing::Types<MemoryEngine, SqliteEngine>;
TYPED_TEST_SUITE(GroupLogStoreTest, Engines);

TYPED_TEST(GroupLogStoreTest, EntriesAreStoredInOrderEachFollowingTheLast) {
  const auto a = this->new_account();
  auto& s = this->store();
  EXPECT_EQ(s.group_log(this->group(), 1).code(), Errc::not_found);
  const auto first = this->entry(a, {});
  ASSERT_EQ(s.append_group_entry(this->group(), first, mailbox(a)).value(), 1u);
  EXPECT_EQ(s.append_group_entry(this->group(), this->entry(a, {}, "again"), mailbox(a)).code(),
            Errc::conflict);  // a second creation
  const auto second = this->entry(a, {first});
  ASSERT_EQ(s.append_group_entry(this->group(), second, mailbox(a)).value(), 2u);
  // A stale writer: version 2 again, or a version 3 that does not follow version 2, or a gap.
  EXPECT_EQ(s.append_group_entry(this->group(), this->entry(a, {first}, "late"), mailbox(a)).code(), Errc::conflict);
  EXPECT_EQ(s.append_group_entry(this->group(), this->entry(a, {first}, "s", true), mailbox(a)).code(), Errc::conflict);
  EXPECT_EQ(s.append_group_entry(this->group(), this->entry(a, {first, second}, "s", true), mailbox(a)).code(), Errc::conflict);
  const auto page = s.group_log(this->group(), 1).value();
  EXPECT_EQ(page.entries, (std::vector<core::Bytes>{first, second}));
  EXPECT_FALSE(page.more);
  EXPECT_TRUE(s.group_log(this->group(), 3).value().entries.empty());  // the next version: nothing yet
  EXPECT_EQ(s.group_log(this->group(), 4).code(), Errc::malformed);
  EXPECT_EQ(s.group_log(this->group(), 0).code(), Errc::malformed);
}

TYPED_TEST(GroupLogStoreTest, OnlyTheDeviceThatMadeAnEntryAppendsItToItsOwnGroup) {
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  const auto b = this->new_account();
  auto& s = this->store();
  const auto first = this->entry(a, {});
  EXPECT_EQ(s.append_group_entry(this->group(), first, mailbox(b)).code(), Errc::unauthorized);
  EXPECT_EQ(s.append_group_entry(this->group(), first, mailbox(a2)).code(), Errc::unauthorized);  // another device
  EXPECT_EQ(s.append_group_entry(this->group(8), first, mailbox(a)).code(), Errc::malformed);  // another group's
  EXPECT_EQ(s.append_group_entry(this->group(), core::Bytes(100, 7), mailbox(a)).code(), Errc::malformed);
  EXPECT_EQ(s.group_log(this->group(), 1).code(), Errc::not_found);  // nothing stored
}

TYPED_TEST(GroupLogStoreTest, EntrySizeAndPageLengthAtNAndNPlusOne) {
  this->settings.max_group_log_entries = 2;
  const auto a = this->new_account();
  const auto probe = this->entry(a, {});
  this->settings.max_group_entry_size = probe.size();
  this->reopen();  // with the new limit
  auto& s = this->store();
  EXPECT_EQ(s.append_group_entry(this->group(), this->entry(a, {}, "ss"), mailbox(a)).code(),
            Errc::message_too_large);  // one byte longer
  std::vector<core::Bytes> log{probe};
  ASSERT_TRUE(s.append_group_entry(this->group(), probe, mailbox(a)).ok());
  for (std::uint64_t v = 2; v <= 5; ++v) {
    log.push_back(this->entry(a, log));
    ASSERT_TRUE(s.append_group_entry(this->group(), log.back(), mailbox(a)).ok()) << v;
  }
  auto page = s.group_log(this->group(), 1).value();
  EXPECT_EQ(page.entries, (std::vector<core::Bytes>{log[0], log[1]}));
  EXPECT_TRUE(page.more);
  page = s.group_log(this->group(), 4).value();
  EXPECT_EQ(page.entries, (std::vector<core::Bytes>{log[3], log[4]}));
  EXPECT_FALSE(page.more);
  page = s.group_log(this->group(), 5).value();
  EXPECT_EQ(page.entries, (std::vector<core::Bytes>{log[4]}));
  EXPECT_FALSE(page.more);
}

// A group send (spec §11.3) from `from` of one ciphertext to every device in `to`, per account.
Send group_send(const DeviceRecord& from, const core::Bytes& group, std::uint64_t version,
                const std::vector<std::vector<DeviceRecord>>& to, std::uint64_t client_id) {
  Send send{from.account, from.device, ClientMessageId{client_id}, AccountId{}, {}};
  GroupFanout fanout{group, version, {}};
  for (const auto& devices : to) {
    Destination d{devices.front().account, {}};
    for (const auto& r : devices)
      if (!(r.account == from.account && r.device == from.device)) d.ciphertexts.push_back({r.device, r.incarnation, core::Bytes(60, 0x44)});
    fanout.destinations.push_back(std::move(d));
  }
  send.group = std::move(fanout);
  return send;
}

TYPED_TEST(GroupLogStoreTest, AGroupSendReachesEveryNamedDeviceOnceAllOrNothing) {
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  const auto c = this->new_account();
  auto& s = this->store();
  ASSERT_TRUE(s.append_group_entry(this->group(), this->entry(a, {}), mailbox(a)).ok());
  const auto sent = s.commit_send(group_send(a, this->group(), 1, {{a, a2}, {b, b2}, {c}}, 1));
  ASSERT_TRUE(sent.ok()) << core::to_string(sent.error());
  for (const auto& d : {a2, b, b2, c}) {
    const auto got = this->fetch_all(d);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got.front().server_id, sent.receipt().server_id);
    EXPECT_EQ(got.front().ciphertext, core::Bytes(60, 0x44));
  }
  EXPECT_EQ(this->queued(a), 0u);  // never to the sending device itself
  // The same idempotency key: the first send's ack, nothing queued again.
  const auto again = s.commit_send(group_send(a, this->group(), 1, {{a, a2}, {b, b2}, {c}}, 1));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.receipt().repeated);
  EXPECT_EQ(this->queued(b2), 1u);
}

TYPED_TEST(GroupLogStoreTest, AGroupSendOverAnotherMembershipVersionOrUnknownGroupIsRefused) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  auto& s = this->store();
  EXPECT_EQ(s.commit_send(group_send(a, this->group(), 1, {{b}}, 1)).code(), Errc::not_found);
  const auto first = this->entry(a, {});
  ASSERT_TRUE(s.append_group_entry(this->group(), first, mailbox(a)).ok());
  ASSERT_TRUE(s.append_group_entry(this->group(), this->entry(a, {first}), mailbox(a)).ok());
  EXPECT_EQ(s.commit_send(group_send(a, this->group(), 1, {{b}}, 2)).code(), Errc::conflict);  // behind the log
  EXPECT_EQ(s.commit_send(group_send(a, this->group(), 3, {{b}}, 3)).code(), Errc::conflict);  // ahead of it
  EXPECT_EQ(this->queued(b), 0u);
  EXPECT_TRUE(s.commit_send(group_send(a, this->group(), 2, {{b}}, 4)).ok());
}

TYPED_TEST(GroupLogStoreTest, AGroupSendsMismatchNamesEveryAccountThatDiffersAndQueuesNothing) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  const auto c = this->new_account();
  const auto c2 = this->link(c.account);
  const auto d = this->new_account();
  auto& s = this->store();
  ASSERT_TRUE(s.append_group_entry(this->group(), this->entry(a, {}), mailbox(a)).ok());
  // b2 missing from b's copies, c's copies name a device id it does not have, d is right.
  auto send = group_send(a, this->group(), 1, {{b}, {c, c2}, {d}}, 1);
  send.group->destinations[1].ciphertexts.push_back({DeviceId{9}, Incarnation{1}, core::Bytes(60, 0x44)});
  const auto refused = s.commit_send(send);
  ASSERT_EQ(refused.code(), Errc::device_mismatch);
  const auto& m = refused.group_mismatch();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].first, b.account);
  EXPECT_EQ(m[0].second.missing, std::vector<DeviceId>{b2.device});
  EXPECT_EQ(m[1].first, c.account);
  EXPECT_EQ(m[1].second.extra, std::vector<DeviceId>{DeviceId{9}});
  for (const auto& r : {b, b2, c, c2, d}) EXPECT_EQ(this->queued(r), 0u);
}

TYPED_TEST(GroupLogStoreTest, AGroupSendsAccountsAreAscendingEachOnce) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto c = this->new_account();
  auto& s = this->store();
  ASSERT_TRUE(s.append_group_entry(this->group(), this->entry(a, {}), mailbox(a)).ok());
  EXPECT_EQ(s.commit_send(group_send(a, this->group(), 1, {{c}, {b}}, 1)).code(), Errc::malformed);
  EXPECT_EQ(s.commit_send(group_send(a, this->group(), 1, {{b}, {b}}, 2)).code(), Errc::malformed);
  auto retry = group_send(a, this->group(), 1, {{b}}, 3);
  retry.retry = true;
  EXPECT_EQ(s.commit_send(retry).code(), Errc::malformed);
  EXPECT_EQ(this->queued(b), 0u);
}

}  // namespace
}  // namespace parley::server::testing
