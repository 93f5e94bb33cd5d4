// Receipts through the engines over the in-memory network (spec §10.2): the ticks of the README's
// scenario on every device of the sender, whatever the network does to the receipts, and the
// read-receipts setting.
#include <gtest/gtest.h>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

using protocol::receipts::Status;

struct Written {
  std::uint64_t chat;
  std::uint32_t device;
  std::uint64_t id;
};

// The last message `from` wrote to `chat`, as every device names it.
Written last_written(SimNetwork& net, const std::string& from, std::uint64_t chat) {
  const auto& d = net.device(from);
  const auto sent = d.store->messages(chat).value();
  EXPECT_FALSE(sent.empty());
  return {chat, d.engine->identity().device, sent.back().message_id};
}

Status status_on(SimNetwork& net, const std::string& device, const Written& m) {
  auto s = net.device(device).engine->status(m.chat, m.device, m.id);
  EXPECT_TRUE(s.ok()) << core::to_string(s.error());
  return s.ok() ? *s : Status::pending;
}

// Alice with a phone and a laptop, Bob with a phone, having written once each way.
struct Fixture : TwoPhones {
  Fixture() {
    net.link_companion("alice-phone", "alice-laptop");
    net.send("alice-phone", b, "warm up");  // lists and sessions in place
    net.send("bob-phone", a, "ok");
  }
};

TEST(ReceiptsSimulation, OneTickThenTwoThenBlueOnEveryDeviceOfTheSender) {
  Fixture f;
  auto& net = f.net;
  net.go_offline("bob-phone");
  net.send("alice-phone", f.b, "are you there?");
  const auto m = last_written(net, "alice-phone", f.b);
  EXPECT_EQ(status_on(net, "alice-phone", m), Status::sent);
  EXPECT_EQ(status_on(net, "alice-laptop", m), Status::sent);  // the laptop has the copy

  net.go_online("bob-phone");
  EXPECT_EQ(status_on(net, "alice-phone", m), Status::delivered);
  EXPECT_EQ(status_on(net, "alice-laptop", m), Status::delivered);

  net.mark_read("bob-phone", f.a);
  EXPECT_EQ(status_on(net, "alice-phone", m), Status::read);
  EXPECT_EQ(status_on(net, "alice-laptop", m), Status::read);

  // The phone reported each step as it happened.
  std::vector<Status> steps;
  for (const auto& t : net.device("alice-phone").events_of<TicksEvent>())
    if (t.message_id == m.id && t.sender_device == m.device) steps.push_back(t.status);
  EXPECT_EQ(steps, (std::vector<Status>{Status::sent, Status::delivered, Status::read}));

  // Ticks survive a restart (they are replayed from the store).
  net.restart("alice-laptop");
  EXPECT_EQ(status_on(net, "alice-laptop", m), Status::read);
  for (const auto& name : {"alice-phone", "alice-laptop", "bob-phone"})
    EXPECT_TRUE(net.device(name).events_of<FailedEvent>().empty()) << name;
}

TEST(ReceiptsSimulation, DuplicatedAndReorderedReceiptsNeverMoveATickBack) {
  Fixture f;
  auto& net = f.net;
  net.duplicate("alice-laptop", true);
  net.reorder("alice-phone", true);
  net.go_offline("bob-phone");
  net.send("alice-phone", f.b, "one");
  const auto first = last_written(net, "alice-phone", f.b);
  net.send("alice-laptop", f.b, "two");
  const auto second = last_written(net, "alice-laptop", f.b);
  // Bob reads both at once as he comes online: delivered and read arrive in one batch, reversed
  // on the phone, twice on the laptop.
  net.go_online("bob-phone");
  net.mark_read("bob-phone", f.a);
  for (const auto& device : {"alice-phone", "alice-laptop"})
    for (const auto& m : {first, second}) EXPECT_EQ(status_on(net, device, m), Status::read) << device;
  for (const auto& device : {"alice-phone", "alice-laptop"}) {
    std::map<std::uint64_t, Status> highest;
    for (const auto& t : net.device(device).events_of<TicksEvent>()) {
      EXPECT_GE(t.status, highest[t.message_id]) << device << " moved a tick back";
      highest[t.message_id] = t.status;
    }
  }
}

TEST(ReceiptsSimulation, ReadReceiptsOffSendNoneAndShowNone) {
  Fixture f;
  auto& net = f.net;
  // Bob turns them off: Alice sees two ticks, never blue.
  ASSERT_TRUE(net.device("bob-phone").engine->set_read_receipts(false).ok());
  net.send("alice-phone", f.b, "seen?");
  const auto m = last_written(net, "alice-phone", f.b);
  net.mark_read("bob-phone", f.a);
  EXPECT_EQ(status_on(net, "alice-phone", m), Status::delivered);
  EXPECT_EQ(status_on(net, "alice-laptop", m), Status::delivered);

  // Alice turns hers off on the phone: Bob's read receipts reach it, but it shows none.
  ASSERT_TRUE(net.device("bob-phone").engine->set_read_receipts(true).ok());
  ASSERT_TRUE(net.device("alice-phone").engine->set_read_receipts(false).ok());
  net.send("alice-phone", f.b, "and now?");
  const auto n = last_written(net, "alice-phone", f.b);
  net.mark_read("bob-phone", f.a);
  EXPECT_EQ(status_on(net, "alice-phone", n), Status::delivered);
  EXPECT_EQ(status_on(net, "alice-laptop", n), Status::read);  // the setting is the device's
  // The setting is kept across a restart.
  net.restart("alice-phone");
  EXPECT_FALSE(net.device("alice-phone").engine->read_receipts());
  EXPECT_EQ(status_on(net, "alice-phone", n), Status::delivered);
}

TEST(ReceiptsSimulation, AReadOnOneDeviceMarksTheChatReadOnTheOthers) {
  Fixture f;
  auto& net = f.net;
  net.send("bob-phone", f.a, "news");
  auto unread = [&](const std::string& device) {
    const auto chats = net.device(device).store->chats();
    EXPECT_TRUE(chats.ok());
    const std::vector<ChatSummary> listed = chats.ok() ? *chats : std::vector<ChatSummary>{};
    for (const auto& c : listed)
      if (c.chat == f.b) return c.unread;
    return std::size_t{999};
  };
  EXPECT_EQ(unread("alice-laptop"), 2u);  // "ok" and "news"
  net.mark_read("alice-phone", f.b);
  EXPECT_EQ(unread("alice-phone"), 0u);
  EXPECT_EQ(unread("alice-laptop"), 0u);
}

TEST(ReceiptsSimulation, AMarkNamingNoMessageOfTheDeviceIsIgnored) {
  Fixture f;
  auto& net = f.net;
  net.send("alice-phone", f.b, "real");
  const auto m = last_written(net, "alice-phone", f.b);
  // Bob's store holds an invented message "from" Alice's phone, newer than anything she wrote, so
  // his read receipt names it: Alice's phone never wrote it and keeps nothing of the mark.
  const StoredMessage invented{f.a, Direction::incoming, f.a, m.device, m.id + 1000, 0, "invented"};
  ASSERT_TRUE(net.device("bob-phone").store->add_message(invented).value());
  net.mark_read("bob-phone", f.a);
  const std::vector<StoredReceipt> kept = net.device("alice-phone").store->receipts(f.b).value();
  for (const auto& r : kept) EXPECT_NE(r.message_id, m.id + 1000) << "the phone kept a mark for a message it never wrote";
  EXPECT_FALSE(kept.empty());  // the delivered receipt for "real" is there
  EXPECT_EQ(status_on(net, "alice-phone", m), Status::delivered);
  // The laptop does not know what its phone wrote: it keeps the mark, as it would for a copy on
  // its way (bounded, kMaxReceiptsAhead).
  EXPECT_EQ(net.device("alice-laptop").store->receipts_ahead(f.b).value(), 1u);
}

}  // namespace
}  // namespace parley::client::testing
