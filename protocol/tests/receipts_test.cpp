// Ticks from receipts (spec §10.1): the rules of one-to-one and group chats, read receipts turned
// off, and the laws: the merge is monotone, commutative, associative and idempotent, so late,
// duplicated or reordered receipts never move a tick back and every device of the sender converges.
#include "parley/protocol/receipts/ticks.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

namespace parley::protocol::receipts {
namespace {

using core::Errc;

Receipt delivered(std::uint64_t member, std::vector<std::uint64_t> sequences) {
  return {member, Status::delivered, std::move(sequences), 0};
}
Receipt read(std::uint64_t member, std::uint64_t up_to) { return {member, Status::read, {}, up_to}; }

TEST(Ticks, OneToOneGoesSentDeliveredReadFromAnyDeviceOfTheRecipient) {
  ChatTicks chat({20}, false, true);
  ASSERT_TRUE(chat.add(1).ok());
  ASSERT_TRUE(chat.add(2).ok());
  EXPECT_EQ(chat.status(1), Status::pending);
  chat.sent(1);
  EXPECT_EQ(chat.status(1), Status::sent);
  ASSERT_TRUE(chat.apply(delivered(20, {1})).ok());
  EXPECT_EQ(chat.status(1), Status::delivered);
  EXPECT_EQ(chat.status(2), Status::pending);
  ASSERT_TRUE(chat.apply(read(20, 2)).ok());  // cumulative: both read
  EXPECT_EQ(chat.status(1), Status::read);
  EXPECT_EQ(chat.status(2), Status::read);
  ASSERT_TRUE(chat.apply({20, Status::played, {2}, 0}).ok());
  EXPECT_EQ(chat.status(2), Status::played);
  ASSERT_TRUE(chat.apply(delivered(20, {2})).ok());  // a late receipt moves nothing back
  EXPECT_EQ(chat.status(2), Status::played);
}

TEST(Ticks, AGroupMessageIsDeliveredAndReadOnlyWhenEveryMemberIs) {
  ChatTicks chat({20, 30, 40}, true, true);
  ASSERT_TRUE(chat.add(1).ok());
  chat.sent(1);
  ASSERT_TRUE(chat.apply(delivered(20, {1})).ok());
  ASSERT_TRUE(chat.apply(delivered(30, {1})).ok());
  EXPECT_EQ(chat.status(1), Status::sent);
  ASSERT_TRUE(chat.apply(read(40, 1)).ok());  // read implies delivered
  EXPECT_EQ(chat.status(1), Status::delivered);
  ASSERT_TRUE(chat.apply(read(20, 1)).ok());
  ASSERT_TRUE(chat.apply(read(30, 5)).ok());
  EXPECT_EQ(chat.status(1), Status::read);
}

TEST(Ticks, WithReadReceiptsOffAOneToOneChatShowsNoBlue) {
  ChatTicks chat({20}, false, false);
  ASSERT_TRUE(chat.add(1).ok());
  ASSERT_TRUE(chat.apply(read(20, 1)).ok());
  EXPECT_EQ(chat.status(1), Status::delivered);
  ChatTicks group({20}, true, false);  // groups show read receipts regardless (WhatsApp's rule)
  ASSERT_TRUE(group.add(1).ok());
  ASSERT_TRUE(group.apply(read(20, 1)).ok());
  EXPECT_EQ(group.status(1), Status::read);
}

TEST(Ticks, AReceiptBeforeItsMessageIsKeptAndBadReceiptsAreRefused) {
  ChatTicks chat({20}, false, true);
  ASSERT_TRUE(chat.apply(delivered(20, {3})).ok());
  ASSERT_TRUE(chat.add(3).ok());
  EXPECT_EQ(chat.status(3), Status::delivered);
  EXPECT_EQ(chat.apply({20, Status::sent, {3}, 0}).code(), Errc::malformed);
  EXPECT_EQ(chat.apply(delivered(99, {3})).code(), Errc::malformed);
  EXPECT_EQ(chat.apply(read(20, 0)).code(), Errc::malformed);
  EXPECT_EQ(chat.add(3).code(), Errc::malformed);
  EXPECT_EQ(chat.add(0).code(), Errc::malformed);
}

// A random stream of receipts over a few messages and members.
struct World {
  bool group;
  bool show_read;
  std::uint64_t messages;
  std::vector<Receipt> receipts;
  std::set<std::uint64_t> sent;
};

rc::Gen<World> worlds() {
  return rc::gen::exec([] {
    World w{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(), *rc::gen::inRange<std::uint64_t>(1, 8), {}, {}};
    const auto count = *rc::gen::inRange(0, 30);
    for (int i = 0; i < count; ++i) {
      const auto member = *rc::gen::inRange<std::uint64_t>(20, 23);
      const auto kind = *rc::gen::inRange(0, 3);
      if (kind == 1) {
        w.receipts.push_back(read(member, *rc::gen::inRange<std::uint64_t>(1, w.messages + 1)));
      } else {
        std::vector<std::uint64_t> seqs{*rc::gen::inRange<std::uint64_t>(1, w.messages + 1)};
        w.receipts.push_back({member, kind == 0 ? Status::delivered : Status::played, seqs, 0});
      }
    }
    for (std::uint64_t m = 1; m <= w.messages; ++m)
      if (*rc::gen::arbitrary<bool>()) w.sent.insert(m);
    return w;
  });
}

ChatTicks fresh(const World& w) {
  ChatTicks chat({20, 21, 22}, w.group, w.show_read);
  for (std::uint64_t m = 1; m <= w.messages; ++m) {
    (void)chat.add(m);
    if (w.sent.contains(m)) chat.sent(m);
  }
  return chat;
}

std::vector<Status> statuses(const ChatTicks& chat, std::uint64_t messages) {
  std::vector<Status> out;
  for (std::uint64_t m = 1; m <= messages; ++m) out.push_back(chat.status(m));
  return out;
}

// Monotone: no receipt ever lowers a tick.
RC_GTEST_PROP(Ticks, NoReceiptEverLowersATick, ()) {
  const auto w = *worlds();
  auto chat = fresh(w);
  auto before = statuses(chat, w.messages);
  for (const auto& r : w.receipts) {
    RC_ASSERT(chat.apply(r).ok());
    const auto after = statuses(chat, w.messages);
    for (std::size_t i = 0; i < after.size(); ++i) RC_ASSERT(after[i] >= before[i]);
    before = after;
  }
}

// Commutative, associative and idempotent: any order, any duplicates, the same ticks. This is the
// convergence of the sender's devices: each gets the receipts late, twice or out of order (a lossy
// network retransmitted until everything arrived once), and they all show the same.
RC_GTEST_PROP(Ticks, EveryDeviceOfTheSenderConvergesWhateverTheOrderAndDuplicates, ()) {
  const auto w = *worlds();
  auto reference = fresh(w);
  for (const auto& r : w.receipts) RC_ASSERT(reference.apply(r).ok());
  const auto expected = statuses(reference, w.messages);
  const auto devices = *rc::gen::inRange(1, 4);
  for (int d = 0; d < devices; ++d) {
    std::vector<Receipt> stream = w.receipts;
    const auto extra = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, std::max<std::size_t>(1, w.receipts.size())));
    for (const auto i : extra)
      if (i < w.receipts.size()) stream.push_back(w.receipts[i]);  // duplicates
    for (std::size_t i = stream.size(); i > 1; --i)  // a generated permutation (Fisher-Yates)
      std::swap(stream[i - 1], stream[*rc::gen::inRange<std::size_t>(0, i)]);
    auto device = fresh(w);
    for (const auto& r : stream) RC_ASSERT(device.apply(r).ok());
    RC_ASSERT(statuses(device, w.messages) == expected);
  }
}

// Blue implies delivered, and a shown tick above sent implies the server had the message or a
// recipient proved it did (a receipt).
RC_GTEST_PROP(Ticks, BlueImpliesDelivered, ()) {
  const auto w = *worlds();
  auto chat = fresh(w);
  for (const auto& r : w.receipts) RC_ASSERT(chat.apply(r).ok());
  for (std::uint64_t m = 1; m <= w.messages; ++m) {
    if (chat.status(m) >= Status::read) RC_ASSERT(chat.status(m) >= Status::delivered);
    if (!w.show_read && !w.group) RC_ASSERT(chat.status(m) <= Status::delivered);
  }
}

}  // namespace
}  // namespace parley::protocol::receipts
