// The client engine against the adversary of spec §9, one attack at a time: each test is the
// regression test of a trust hole the engine had (spec §8.5, §8.6, §4.2, §8.3, §9), run through
// the real server Router with the adversary in the server's place.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "adversary.h"
#include "parley/wire/content.h"
#include "parley/protocol/signed_prekey_ring.h"

namespace parley::client::testing {
namespace {

bool shows(SimNetwork& net, const std::string& device, const std::string& text) {
  const auto events = net.device(device).events_of<MessageEvent>();
  return std::any_of(events.begin(), events.end(), [&](const MessageEvent& e) { return e.message.body == text; });
}

bool shows_from(SimNetwork& net, const std::string& device, std::uint64_t account, std::uint32_t sender_device) {
  const auto events = net.device(device).events_of<MessageEvent>();
  return std::any_of(events.begin(), events.end(), [&](const MessageEvent& e) {
    return e.message.sender_account == account && e.message.sender_device == sender_device;
  });
}

// Alice's and Bob's phones, and devices the adversary holds the keys of: Mallory's phone (an
// ordinary account, a contact of Alice's) and a fake it plants in lists and bundles.
struct World {
  SimNetwork net;
  Adversary adversary{net};
  std::uint64_t a = 0, b = 0, m = 0;
  World() {
    a = net.register_account("alice-phone").engine->identity().account;
    b = net.register_account("bob-phone").engine->identity().account;
    m = net.register_account("mallory").engine->identity().account;
    net.register_account("fake");
    adversary.own("mallory");
    adversary.own("fake");
  }
};

// Defect 1 (spec §8.5): a retry is answered only for a device the message was encrypted for.
TEST(Adversary, ARetryIsAnsweredOnlyForADeviceTheMessageWentTo) {
  World w;
  w.net.send("alice-phone", w.m, "hello mallory");  // Mallory is a contact: they have a session
  w.net.send("mallory", w.a, "hello alice");
  w.net.send("alice-phone", w.b, "secret");
  // The server id of Alice's send of "secret" (her last; Bob's receipt for it has one of Bob's).
  ASSERT_FALSE(w.adversary.server_ids_of("alice-phone").empty());
  const auto secret = w.adversary.server_ids_of("alice-phone").back();
  // Mallory's modified client asks for the message to Bob, in the session they have and with a bundle.
  w.adversary.ask_retry("mallory", w.a, 1, secret, 1);
  w.adversary.ask_retry("mallory", w.a, 1, secret, 2);
  // The server relays a request said to be Bob's, with a bundle of the fake's as Bob's phone.
  w.adversary.relay_retry("alice-phone", w.b, 1, secret, "fake");
  EXPECT_TRUE(shows(w.net, "bob-phone", "secret"));
  EXPECT_FALSE(w.adversary.learnt().contains("secret"));
  EXPECT_TRUE(w.adversary.learnt().contains("hello mallory"));  // what was Mallory's to read, she read
}

// Defect 2 (spec §8.6): a message from a device the sender account's verified list does not name,
// or names with another identity key, makes no session and shows nothing.
TEST(Adversary, AMessageFromADeviceNotInTheSendersListIsDropped) {
  World w;
  w.net.link_companion("alice-phone", "alice-laptop");  // Alice's list: {1, 2}
  w.adversary.impersonate("fake", w.b, w.a, 4, "forged as device 4");
  w.adversary.impersonate("fake", w.b, w.a, 1, "forged as the phone");
  w.adversary.impersonate("fake", w.b, w.b, 3, "forged as Bob's own device");
  auto& bob = w.net.device("bob-phone");
  EXPECT_FALSE(shows_from(w.net, "bob-phone", w.a, 4));
  EXPECT_FALSE(shows_from(w.net, "bob-phone", w.a, 1));
  EXPECT_FALSE(shows_from(w.net, "bob-phone", w.b, 3));
  EXPECT_FALSE(bob.store->session(w.a, 4).value().has_value());
  EXPECT_FALSE(bob.store->session(w.a, 1).value().has_value());
  EXPECT_FALSE(bob.store->session(w.b, 3).value().has_value());
  // Reported (the copy as device 4 at least; a copy as the phone may fail earlier, as unreadable).
  const auto failures = bob.events_of<FailedEvent>();
  EXPECT_TRUE(std::any_of(failures.begin(), failures.end(),
                          [](const FailedEvent& f) { return f.error.code == core::Errc::untrusted_identity; }));
  // The forger's own copies, which the server carried as what they are, are read as the fake's.
  const auto fake = w.net.device("fake").engine->identity().account;
  EXPECT_TRUE(shows_from(w.net, "bob-phone", fake, 1));
  // And Alice's real devices still write to Bob.
  w.net.send("alice-laptop", w.b, "the real laptop");
  EXPECT_TRUE(shows(w.net, "bob-phone", "the real laptop"));
}

// Defect 3 (spec §8.6): a companion verifies its own account's device list under the account key
// linking gave it, never under whatever key a list names.
TEST(Adversary, ACompanionsOwnListMustBeSignedByTheAccountKeyFromLinking) {
  World w;
  w.adversary.forge_own_lists("fake");
  w.net.link_companion("alice-phone", "alice-laptop");
  w.net.send("alice-laptop", w.b, "from the laptop");
  const auto failures = w.net.device("alice-laptop").events_of<FailedEvent>();
  EXPECT_TRUE(std::any_of(failures.begin(), failures.end(),
                          [](const FailedEvent& f) { return f.error.code == core::Errc::untrusted_identity; }));
  EXPECT_FALSE(w.adversary.learnt().contains("from the laptop"));
  EXPECT_TRUE(w.adversary.made_up_recipients().empty());
  EXPECT_FALSE(w.net.device("alice-laptop").store->session(w.a, Adversary::kPlantedDevice).value().has_value());
  // Once the server serves the real list, the laptop writes (and only to real devices).
  w.adversary.stop();
  w.net.restart("alice-laptop");
  EXPECT_TRUE(shows(w.net, "bob-phone", "from the laptop"));
  EXPECT_TRUE(w.adversary.made_up_recipients().empty());
}

// Defect 4 (spec §4.3, §7.4): a run of bundle fetches against one device leaves its store with at
// most kMaxOneTimePreKeys one-time prekeys, and the server still with keys to hand out.
TEST(Adversary, AThousandBundleFetchesLeaveTheDevicesStockAtMostAtTheCap) {
  World w;
  auto& bob = w.net.device("bob-phone");
  for (int round = 0; round < 10; ++round) {
    w.adversary.drain_prekeys("mallory", w.b, 100);
    w.net.clock_ms += 1000;  // within the server's fetch rate limits
    w.net.settle();
    ASSERT_LE(bob.store->one_time_prekeys().value().size(), kMaxOneTimePreKeys) << "round " << round;
  }
  const server::AccountId account{w.b};
  EXPECT_GT(w.net.server_store().one_time_prekey_stock(account, server::DeviceId{1}).value(), 0u);
  // And a first message to Bob still opens a session with one of his current keys.
  w.net.send("alice-phone", w.b, "after the drain");
  EXPECT_TRUE(shows(w.net, "bob-phone", "after the drain"));
}

// Defect 5 (spec §4.2, §8.3): over 90 days of a conversation the signed prekey rotates, the old ones
// leave after their grace period, and the primary republishes its list before verifiers would refuse
// it, so sends keep working, also to a contact who fetches everything fresh.
TEST(Adversary, NinetyDaysOfAConversationKeepWorking) {
  World w;
  constexpr std::uint64_t kDay = 24ull * 3600 * 1000;
  for (int day = 1; day <= 90; ++day) {
    w.net.clock_ms += kDay;
    // Everyone fetches lists again, as after a restart.
    w.net.restart("alice-phone");
    w.net.restart("bob-phone");
    w.net.send("alice-phone", w.b, "day " + std::to_string(day) + " from alice");
    w.net.send("bob-phone", w.a, "day " + std::to_string(day) + " from bob");
    ASSERT_TRUE(shows(w.net, "bob-phone", "day " + std::to_string(day) + " from alice")) << day;
    ASSERT_TRUE(shows(w.net, "alice-phone", "day " + std::to_string(day) + " from bob")) << day;
    for (const auto& device : {"alice-phone", "bob-phone"}) {
      const auto keys = w.net.device(device).store->signed_prekeys().value();
      ASSERT_FALSE(keys.empty());
      EXPECT_LE(keys.size(), protocol::kMaxSignedPreKeys) << device;
      // The newest is at most one rotation interval old, every older one within its grace period.
      EXPECT_LE(w.net.clock_ms - keys.back().created_ms, protocol::kSignedPreKeyRotationIntervalMs) << device;
      for (std::size_t i = 0; i + 1 < keys.size(); ++i)
        EXPECT_LE(w.net.clock_ms - keys[i + 1].created_ms, protocol::kSignedPreKeyGracePeriodMs) << device;
    }
  }
  const auto carol = w.net.register_account("carol").engine->identity().account;
  w.net.send("carol", w.a, "first contact on day 90");
  EXPECT_TRUE(shows(w.net, "alice-phone", "first contact on day 90"));
  w.net.send("alice-phone", carol, "welcome");
  EXPECT_TRUE(shows(w.net, "carol", "welcome"));
}

// kMaxReplans (spec §8.4): a server that keeps answering deviceMismatch makes a send re-plan this
// often, then fail (it stays in the outbox); one time fewer and the send still goes.
TEST(Adversary, ReplansAtNAndNPlusOne) {
  World w;
  w.adversary.refuse_sends("alice-phone", static_cast<int>(kMaxReplans));
  w.net.send("alice-phone", w.b, "after N refusals");
  EXPECT_TRUE(shows(w.net, "bob-phone", "after N refusals"));
  EXPECT_TRUE(w.net.device("alice-phone").events_of<FailedEvent>().empty());
  w.adversary.refuse_sends("alice-phone", static_cast<int>(kMaxReplans) + 1);
  w.net.send("alice-phone", w.b, "after N + 1 refusals");
  const auto failures = w.net.device("alice-phone").events_of<FailedEvent>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error.code, core::Errc::device_mismatch);
}

// kMaxBundleFetches: bundles that cannot be used (the fake's keys under Bob's name) are fetched
// this many times for a message, then the message fails instead of fetching forever.
TEST(Adversary, BundleFetchesAtNAndNPlusOne) {
  World w;
  w.adversary.substitute_bundles("fake");
  w.net.send("alice-phone", w.b, "to a device with no usable bundle");
  EXPECT_EQ(w.adversary.fetches("alice-phone"), static_cast<int>(kMaxBundleFetches));
  const auto failures = w.net.device("alice-phone").events_of<FailedEvent>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error.code, core::Errc::no_session);
  EXPECT_FALSE(w.adversary.learnt().contains("to a device with no usable bundle"));
  // The server serves the real bundles again: the next start sends it.
  w.adversary.stop();
  w.net.restart("alice-phone");
  EXPECT_TRUE(shows(w.net, "bob-phone", "to a device with no usable bundle"));
}

// kMaxReceiptsAhead (spec §10.2): a peer's receipt marks for messages of another of our devices that
// are not here keep at most this many per chat, whatever the peer sends.
TEST(Adversary, ReceiptMarksAheadAtNAndNPlusOne) {
  World w;
  w.net.send("mallory", w.a, "hello");  // a session from Mallory to Alice's phone
  for (std::uint64_t first : {1ull, 1ull + wire::kMaxReceiptMarks}) {
    wire::ReceiptBody receipt{protocol::receipts::Status::delivered, w.a, {}};
    for (std::uint64_t id = first; id < first + wire::kMaxReceiptMarks; ++id) receipt.marks.push_back({2, id});
    w.adversary.write_content("mallory", "alice-phone", wire::Content{first, w.net.clock_ms, "", std::nullopt, receipt});
  }
  EXPECT_EQ(w.net.device("alice-phone").store->receipts_ahead(w.m).value(), kMaxReceiptsAhead);
}

// kMaxHeldPerDevice (spec §8.6): messages from a device whose key changed wait on the device, not on
// the server, at most this many; the next is dropped and reported.
TEST(Adversary, HeldMessagesAtNAndNPlusOne) {
  World w;
  w.net.link_companion("bob-phone", "bob-laptop");
  w.net.send("bob-laptop", w.a, "from the old laptop");
  w.net.remove_companion("bob-phone", "bob-laptop");
  w.net.link_companion("bob-phone", "bob-laptop-2");
  w.net.send("bob-laptop-2", w.a, "from the new laptop");
  auto& alice = w.net.device("alice-phone");
  ASSERT_EQ(alice.store->held_count(w.b, 2).value(), 1u);
  auto held = w.adversary.last_delivery("alice-phone");
  ASSERT_TRUE(held.has_value());
  // The same message again under new server ids (as a flood from that device would be).
  for (std::size_t n = 2; n <= kMaxHeldPerDevice; ++n) {
    held->server_id += 1'000'000;
    w.net.inject("alice-phone", wire::Frame{0, *held});
  }
  EXPECT_EQ(alice.store->held_count(w.b, 2).value(), kMaxHeldPerDevice);
  const auto failures_before = alice.events_of<FailedEvent>().size();
  held->server_id += 1'000'000;
  w.net.inject("alice-phone", wire::Frame{0, *held});
  EXPECT_EQ(alice.store->held_count(w.b, 2).value(), kMaxHeldPerDevice);
  EXPECT_EQ(alice.events_of<FailedEvent>().size(), failures_before + 1);
}

// The raw bytes of a file.
std::string bytes_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
bool found_in(const std::filesystem::path& file, core::BytesView secret) {
  const auto all = bytes_of(file);
  const std::string needle(reinterpret_cast<const char*>(secret.data()), secret.size());
  return all.find(needle) != std::string::npos;
}
// In the database file or its write-ahead log.
bool at_rest(const std::filesystem::path& db, core::BytesView secret) {
  return found_in(db, secret) || found_in(db.string() + "-wal", secret);
}

// Defect 6 (spec §9, forward secrecy at rest): once the checkpoint interval passed, a superseded
// chain key, a used skipped message key and a consumed one-time prekey are in neither the database
// file nor its -wal (a raw search of the bytes), while the live chain key is (so the search works).
TEST(Adversary, SupersededSecretsLeaveTheDeviceStoreFiles) {
  World w;
  auto& bob = w.net.device("bob-phone");
  const auto prekeys_before = bob.store->one_time_prekeys().value();
  w.net.send("alice-phone", w.b, "m0");  // a prekey message: one of Bob's one-time prekeys is consumed
  const auto prekeys_after = bob.store->one_time_prekeys().value();
  std::optional<core::Bytes> consumed;
  for (const auto& [id, key] : prekeys_before)
    if (!prekeys_after.contains(id)) consumed = core::Bytes(key.key.private_key.view().begin(), key.key.private_key.view().end());
  ASSERT_TRUE(consumed.has_value());

  // Nothing reaches Alice for a while, so m1 to m3 share one sending chain; m2 overtakes m1, so the
  // key of m1 is kept as skipped, then used when m1 arrives; m3 moves the chain past the key it had.
  w.adversary.delay("alice-phone", 1000);
  w.adversary.delay("bob-phone", 1);
  w.net.send("alice-phone", w.b, "m1");
  w.net.send("alice-phone", w.b, "m2");
  const auto after_m2 = bob.store->session(w.a, 1).value()->record.current;
  const auto skipped = after_m2->skipped.entries_in_order();
  ASSERT_EQ(skipped.size(), 1u);
  const auto used_seed = skipped.front().seed;
  const auto superseded_chain = after_m2->receivers.front().chain.key;
  w.adversary.release("bob-phone");
  w.net.settle();
  ASSERT_TRUE(shows(w.net, "bob-phone", "m1"));
  w.net.send("alice-phone", w.b, "m3");
  ASSERT_NE(bob.store->session(w.a, 1).value()->record.current->receivers.front().chain.key, superseded_chain);
  w.adversary.release("alice-phone");
  w.net.settle();
  w.net.send("bob-phone", w.a, "reply");

  w.net.clock_ms += kCheckpointIntervalMs;
  w.net.send("alice-phone", w.b, "m4");  // an input after the interval: Bob's store checkpoints
  const auto live = bob.store->session(w.a, 1).value()->record.current->receivers.front().chain.key;
  EXPECT_TRUE(at_rest(bob.file, live.view()));  // the search finds what is there
  EXPECT_FALSE(at_rest(bob.file, superseded_chain.view()));
  EXPECT_FALSE(at_rest(bob.file, used_seed.view()));
  EXPECT_FALSE(at_rest(bob.file, *consumed));
}

}  // namespace
}  // namespace parley::client::testing
