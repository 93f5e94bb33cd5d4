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

}  // namespace
}  // namespace parley::server::testing
