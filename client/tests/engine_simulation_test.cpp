// Engines over the in-memory network (the deterministic simulation): accounts register,
// link companions (also by QR code), remove them and write to each other; every message reaches
// every device linked when it was sent exactly once, in the right chat, across restarts; a new
// identity is reported once; the prekey stock is topped up; an unreadable message is resent.
#include <gtest/gtest.h>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

std::vector<std::string> texts(const std::vector<StoredMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
}

// How many times `device` holds `text` in its chat with `chat`.
std::size_t count_of(SimNetwork& net, const std::string& device, std::uint64_t chat, const std::string& text) {
  const auto chat_messages = net.device(device).store->messages(chat);
  std::size_t n = 0;
  if (chat_messages.ok())
    for (const auto& m : *chat_messages) n += m.body == text;
  return n;
}

// Every engine error the devices reported fails the test.
void expect_no_failures(SimNetwork& net, const std::vector<std::string>& devices) {
  for (const auto& name : devices)
    for (const auto& f : net.device(name).events_of<FailedEvent>()) ADD_FAILURE() << name << ": " << core::to_string(f.error);
}

TEST(EngineSimulation, TwoAccountsWriteToEachOtherAcrossRestarts) {
  SimNetwork net;
  auto& alice = net.register_account("alice");
  auto& bob = net.register_account("bob");
  const auto a = alice.engine->identity().account, b = bob.engine->identity().account;
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);
  ASSERT_NE(a, b);

  net.send("alice", b, "hello bob");
  ASSERT_EQ(net.device("bob").events_of<MessageEvent>().size(), 1u);
  EXPECT_EQ(net.device("bob").events_of<MessageEvent>()[0].message.body, "hello bob");
  EXPECT_EQ(net.device("alice").events_of<SentEvent>().size(), 1u);
  EXPECT_TRUE(net.device("alice").events_of<FailedEvent>().empty());

  net.send("bob", a, "hi alice");
  net.restart("bob");
  net.send("alice", b, "still there?");
  net.restart("alice");
  net.send("bob", a, "yes");

  EXPECT_EQ(texts(net.device("alice").store->messages(b).value()),
            (std::vector<std::string>{"hello bob", "hi alice", "still there?", "yes"}));
  EXPECT_EQ(texts(net.device("bob").store->messages(a).value()),
            (std::vector<std::string>{"hello bob", "hi alice", "still there?", "yes"}));
  EXPECT_TRUE(net.device("alice").engine->idle());
  EXPECT_TRUE(net.device("bob").engine->idle());
  expect_no_failures(net, {"alice", "bob"});
}

TEST(EngineSimulation, AMessageToAnOfflineDeviceWaitsOnTheServer) {
  SimNetwork net;
  net.register_account("alice");
  auto& bob = net.register_account("bob");
  const auto b = bob.engine->identity().account;
  const auto a = net.device("alice").engine->identity().account;
  net.send("alice", b, "one");
  net.restart("bob");
  net.send("alice", b, "two");
  EXPECT_EQ(texts(net.device("bob").store->messages(a).value()), (std::vector<std::string>{"one", "two"}));
}


// Alice with a phone and two companions, Bob with a phone and one: a message from any device
// reaches every other device of both accounts exactly once, in the chat it belongs to; the
// sender's other devices hold it as sent by their account.
TEST(EngineSimulation, EveryDeviceOfBothAccountsGetsEveryMessageOnce) {
  TwoPhones phones;
  auto& net = phones.net;
  const auto a = phones.a, b = phones.b;
  // A first message before the companions exist: their lists are learnt later, by mismatch.
  net.send("alice-phone", b, "before companions");
  net.link_companion("alice-phone", "alice-laptop");
  net.link_companion("alice-phone", "alice-tablet");
  net.link_companion("bob-phone", "bob-laptop");

  const std::vector<std::string> alice_devices = {"alice-phone", "alice-laptop", "alice-tablet"};
  const std::vector<std::string> bob_devices = {"bob-phone", "bob-laptop"};
  std::vector<std::string> sent;
  for (const auto& d : alice_devices) {
    net.send(d, b, "from " + d);
    sent.push_back("from " + d);
  }
  for (const auto& d : bob_devices) {
    net.send(d, a, "from " + d);
    sent.push_back("from " + d);
  }
  std::vector<std::string> everyone = alice_devices;
  everyone.insert(everyone.end(), bob_devices.begin(), bob_devices.end());
  for (const auto& name : everyone) {
    const auto chat = name[0] == 'a' ? b : a;
    for (const auto& t : sent) EXPECT_EQ(count_of(net, name, chat, t), 1u) << name << " has '" << t << "'";
    const auto messages = net.device(name).store->messages(chat);
    ASSERT_TRUE(messages.ok());
    const auto mine = name[0] == 'a' ? a : b;
    for (const auto& m : *messages) EXPECT_EQ(m.direction, m.sender_account == mine ? Direction::outgoing : Direction::incoming);
  }
  // The companion linked after the first message never sees it (its queue started empty).
  EXPECT_EQ(count_of(net, "alice-laptop", b, "before companions"), 0u);
  for (const auto& name : everyone) EXPECT_TRUE(net.device(name).engine->idle()) << name;
  expect_no_failures(net, everyone);
}


// A removed companion gets nothing afterwards; a device re-linked with a new identity under the
// same id is reported once and written to only after the person accepts it.
TEST(EngineSimulation, ARemovedCompanionGetsNothingAndANewIdentityIsReportedOnce) {
  TwoPhones phones;
  auto& net = phones.net;
  const auto a = phones.a, b = phones.b;
  net.link_companion("bob-phone", "bob-laptop");
  net.send("alice-phone", b, "to both");
  EXPECT_EQ(count_of(net, "bob-laptop", a, "to both"), 1u);

  net.remove_companion("bob-phone", "bob-laptop");
  net.send("alice-phone", b, "after removal");
  expect_no_failures(net, {"alice-phone"});
  EXPECT_EQ(count_of(net, "bob-phone", a, "after removal"), 1u);
  EXPECT_EQ(count_of(net, "bob-laptop", a, "after removal"), 0u);

  // Device 2 again, with a new identity (a reinstall): Alice's session names the old key.
  net.link_companion("bob-phone", "bob-laptop-2");
  EXPECT_EQ(net.device("bob-laptop-2").engine->identity().device, 2u);
  auto& alice = net.device("alice-phone");
  const auto before = alice.events_of<IdentityChangeEvent>().size();
  net.send("alice-phone", b, "blocked");
  const auto changes = alice.events_of<IdentityChangeEvent>();
  ASSERT_EQ(changes.size(), before + 1);
  EXPECT_EQ(changes.back().account, b);
  EXPECT_EQ(changes.back().device, 2u);
  EXPECT_EQ(alice.events_of<FailedEvent>().back().error.code, core::Errc::untrusted_identity);
  EXPECT_EQ(count_of(net, "bob-phone", a, "blocked"), 0u);

  ASSERT_TRUE(net.accept_identity("alice-phone", b, 2));
  net.send("alice-phone", b, "accepted");
  EXPECT_EQ(count_of(net, "bob-phone", a, "accepted"), 1u);
  EXPECT_EQ(count_of(net, "bob-laptop-2", a, "accepted"), 1u);
  EXPECT_EQ(count_of(net, "bob-laptop-2", a, "to both"), 0u);  // the old device's queue is not the new one's

  // "blocked" stayed in Alice's outbox: her phone's next start sends it, once.
  net.restart("alice-phone");
  EXPECT_EQ(count_of(net, "bob-phone", a, "blocked"), 1u);
  EXPECT_EQ(count_of(net, "bob-laptop-2", a, "blocked"), 1u);
  net.restart("alice-phone");
  EXPECT_EQ(count_of(net, "bob-phone", a, "blocked"), 1u);
}

// The message waits on Alice's phone, not in her server mailbox (where it would hold a place of her
// delivery window, spec §7.3), until she decides.
TEST(EngineSimulation, AMessageFromANewIdentityWaitsOnTheDeviceUntilAcceptedThenIsRead) {
  TwoPhones phones;
  auto& net = phones.net;
  const auto a = phones.a, b = phones.b;
  net.link_companion("bob-phone", "bob-laptop");
  net.send("bob-laptop", a, "from the old laptop");  // Alice's phone now has a session with device 2
  net.remove_companion("bob-phone", "bob-laptop");
  net.link_companion("bob-phone", "bob-laptop-2");
  ASSERT_EQ(net.device("bob-laptop-2").engine->identity().device, 2u);

  net.send("bob-laptop-2", a, "from the new laptop");
  auto& alice = net.device("alice-phone");
  EXPECT_EQ(count_of(net, "alice-phone", b, "from the new laptop"), 0u);
  const auto changes = alice.events_of<IdentityChangeEvent>();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().device, 2u);
  // Acknowledged, and kept on the device: the server holds nothing for Alice's phone.
  const server::MailboxAddress mailbox{server::AccountId{a}, server::DeviceId{1}, server::Incarnation{alice.engine->identity().incarnation}};
  EXPECT_TRUE(net.server_store().fetch(mailbox, server::ServerId{0}, 10).value().empty());
  net.go_offline("alice-phone");
  net.go_online("alice-phone");
  EXPECT_EQ(count_of(net, "alice-phone", b, "from the new laptop"), 0u);
  // Accepted: read at once, once.
  ASSERT_TRUE(net.accept_identity("alice-phone", b, 2));
  EXPECT_EQ(count_of(net, "alice-phone", b, "from the new laptop"), 1u);
  net.restart("alice-phone");
  EXPECT_EQ(count_of(net, "alice-phone", b, "from the new laptop"), 1u);
}


// Spec §8.2 end to end through the engines and the server: the QR code, linkDevice, the approval
// delivered with the companion's login by key, the confirmation pushed to the primary, the new
// list; then the companion reads and writes like any device, and after its removal reads nothing.
TEST(EngineSimulation, ACompanionLinkedByQrCodeJoinsTheConversation) {
  TwoPhones phones;
  auto& net = phones.net;
  const auto a = phones.a, b = phones.b;
  net.send("bob-phone", a, "before the laptop");
  auto& laptop = net.link_companion("alice-phone", "alice-laptop");
  EXPECT_EQ(laptop.engine->identity().account, a);
  EXPECT_EQ(laptop.engine->identity().device, 2u);
  EXPECT_EQ(laptop.engine->identity().account_key, net.device("alice-phone").engine->identity().identity.public_key);
  EXPECT_EQ(laptop.events_of<LinkedEvent>().size(), 1u);
  EXPECT_EQ(net.device("alice-phone").events_of<LinkedEvent>().size(), 1u);

  net.send("bob-phone", a, "hello laptop");
  net.send("alice-laptop", b, "hi from the laptop");
  const auto on_laptop = laptop.store->messages(b).value();
  std::vector<std::string> bodies;
  for (const auto& m : on_laptop) bodies.push_back(m.body);
  EXPECT_EQ(bodies, (std::vector<std::string>{"hello laptop", "hi from the laptop"}));  // not the one before
  const auto on_phone = net.device("alice-phone").store->messages(b).value();
  EXPECT_EQ(on_phone.size(), 3u);  // both of Bob's, and the laptop's own, as sent by Alice
  EXPECT_EQ(on_phone.back().direction, Direction::outgoing);

  net.remove_companion("alice-phone", "alice-laptop");
  net.send("bob-phone", a, "after removal");
  EXPECT_EQ(net.device("alice-phone").store->messages(b).value().size(), 4u);
  EXPECT_EQ(laptop.store->messages(b).value().size(), 2u);
  expect_no_failures(net, {"alice-phone", "bob-phone"});
  // The removed laptop heard why its connection closed, and nothing else went wrong for it.
  const auto told = laptop.events_of<FailedEvent>();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].error.code, core::Errc::unauthorized);
}


// The engine keeps its one-time prekey stock topped up: when fetches take the server's stock
// below its threshold, the server's prekeysLow warning makes the device upload another batch.
TEST(EngineSimulation, TheOneTimePrekeyStockIsToppedUp) {
  server::StoreSettings settings;
  settings.prekeys_low_threshold = kPrekeyBatch;  // the first fetch leaves 99: below it, a warning
  SimNetwork net(settings);
  auto& bob = net.register_account("bob");
  const auto b = bob.engine->identity().account;
  const server::AccountId account{b};
  const server::DeviceId device{1};
  EXPECT_EQ(net.server_store().one_time_prekey_stock(account, device).value(), kPrekeyBatch);
  net.register_account("alice");
  net.send("alice", b, "takes one of Bob's prekeys");
  // One taken by Alice's fetch, a batch uploaded in answer to the warning.
  EXPECT_EQ(net.server_store().one_time_prekey_stock(account, device).value(), 2 * kPrekeyBatch - 1);
  EXPECT_EQ(bob.store->one_time_prekeys().value().size(), 2 * kPrekeyBatch - 1);  // the used one is gone
}


// Spec §8.5 through the engines and the server: Bob loses his session with Alice; her next
// message cannot be read, so Bob asks for it again; the first resend (same session) fails too,
// the second request carries a fresh bundle, Alice starts a new session from it, and Bob reads
// the message, once.
TEST(EngineSimulation, AnUnreadableMessageIsResentUntilItCanBeRead) {
  SimNetwork net;
  auto& alice = net.register_account("alice");
  auto& bob = net.register_account("bob");
  const auto a = alice.engine->identity().account, b = bob.engine->identity().account;
  net.send("alice", b, "first");
  net.send("bob", a, "reply");  // Alice's session now sends whisper messages
  ASSERT_TRUE(bob.store->delete_session(a, 1).ok());  // Bob's state for Alice is lost
  net.send("alice", b, "lost and found");
  const auto at_bob = bob.store->messages(a);
  ASSERT_TRUE(at_bob.ok());
  std::vector<std::string> bodies;
  for (const auto& m : *at_bob) bodies.push_back(m.body);
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "reply", "lost and found"}));
  expect_no_failures(net, {"alice", "bob"});
  // And the conversation goes on in the new session, both ways.
  net.send("bob", a, "back");
  net.send("alice", b, "again");
  EXPECT_EQ(bob.store->messages(a).value().size(), 5u);
  EXPECT_EQ(alice.store->messages(b).value().size(), 5u);
}

}  // namespace
}  // namespace parley::client::testing
