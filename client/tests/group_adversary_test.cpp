// The adversarial simulation's group powers (spec §9, §11.3): the server in the middle (a Tap) hands
// a removed member the group messages sent after its removal, sends one member's sender-key message
// under another member's name, adds a member to the log it serves, and replays deliveries. The
// properties: no device outside the membership reads a group plaintext sent after its removal; no
// device shows a message its claimed sender did not write; a log entry no admin signed changes
// nothing.
#include <gtest/gtest.h>

#include "group_fixture.h"
#include "parley/wire/device_ciphertext.h"

namespace parley::client::testing {
namespace {

// Keeps every groupSend a device writes (the server's copy of what it would deliver).
class Recorder : public Tap {
 public:
  std::vector<wire::Frame> from_device(const std::string& device, wire::Frame frame) override {
    if (const auto* send = frame.get<wire::GroupSend>()) sends.emplace_back(device, *send);
    return {std::move(frame)};
  }
  std::vector<std::pair<std::string, wire::GroupSend>> sends;
};

// The server "delivers" `ciphertext` to `to` as if (account, device) had sent it.
void forge_delivery(SimNetwork& net, const std::string& to, std::uint64_t server_id, std::uint64_t account, std::uint32_t device,
                    const core::Bytes& ciphertext) {
  net.inject(to, wire::Frame{0, wire::Deliver{server_id, net.clock_ms, account, device, ciphertext}});
  net.settle();
}

TEST(GroupAdversary, ARemovedMemberHandedLaterMessagesReadsNone) {
  GroupOfThree g;
  Recorder recorder;
  g.net.set_tap(&recorder);
  g.send("alice", "before");
  g.change(MembershipChange::remove, {g.carol});
  g.send("alice", "after the removal");
  ASSERT_EQ(recorder.sends.size(), 2u);
  const auto& after = recorder.sends.back().second;
  for (const auto& r : after.recipients) EXPECT_NE(r.account, g.carol);  // the sender did not name Carol
  // The server copies the message to Carol anyway: the key it was made with was never hers.
  forge_delivery(g.net, "carol", 1'000'000, g.alice, 1, after.ciphertext);
  const auto carols = group_texts(g.net, "carol");
  EXPECT_EQ(count(carols, "before"), 1u);
  EXPECT_EQ(count(carols, "after the removal"), 0u);
  // Nor does Alice answer Carol's request for it again: Carol was no recipient of it.
  EXPECT_EQ(count(group_texts(g.net, "carol"), "after the removal"), 0u);
  g.net.set_tap(nullptr);
}

TEST(GroupAdversary, AMembersMessageUnderAnotherMembersNameIsNeverShown) {
  GroupOfThree g;
  Recorder recorder;
  g.net.set_tap(&recorder);
  g.send("alice", "hi");
  g.send("bob-phone", "written by bob");
  ASSERT_EQ(recorder.sends.back().first, "bob-phone");
  const auto forged = recorder.sends.back().second.ciphertext;
  g.net.set_tap(nullptr);
  // Delivered to Alice as if Carol had sent it: Carol's key does not verify it, and Carol has no
  // such message to send again.
  forge_delivery(g.net, "alice", 1'000'001, g.carol, 1, forged);
  const auto groups = g.net.device("alice").store->groups();
  ASSERT_TRUE(groups.ok() && !groups->empty());
  const auto messages = g.net.device("alice").store->messages(groups->front().chat).value();
  std::size_t bobs = 0;
  for (const auto& m : messages) {
    if (m.body != "written by bob") continue;
    ++bobs;
    EXPECT_EQ(m.sender_account, g.bob);
  }
  EXPECT_EQ(bobs, 1u);
}

// Serves Bob's devices the group's log with one more entry: an "add" in Alice's name that Alice did
// not sign (the server has no key of hers).
class LogForger : public Tap {
 public:
  LogForger(std::uint64_t alice, std::uint64_t mallory) : alice_(alice), mallory_(mallory) {}
  std::vector<wire::Frame> to_device(const std::string& device, wire::Frame frame) override {
    auto* log = std::get_if<wire::GroupLog>(&frame.body);
    if (log == nullptr || device.rfind("bob", 0) != 0 || log->entries.empty()) return {std::move(frame)};
    namespace groups = protocol::groups;
    crypto::StreamEntropy entropy(77);
    const auto key = crypto::generate_x25519_key_pair(entropy).value();
    groups::GroupMembership before;
    std::copy(log->group.begin(), log->group.end(), before.group.begin());
    before.version = log->from_version - 1 + log->entries.size();
    before.head = groups::membership_entry_hash(log->entries.back());
    const auto entry = groups::next_membership_entry(before, groups::MembershipChange::add, alice_, 1, key.public_key, {mallory_},
                                                     "", 1);
    log->entries.push_back(groups::sign_membership_entry(entry, key, std::nullopt, entropy).value());
    ++forged;
    return {std::move(frame)};
  }
  int forged = 0;

 private:
  std::uint64_t alice_, mallory_;
};

TEST(GroupAdversary, AMemberTheServerAddsToItsLogIsNeverAMember) {
  GroupOfThree g;
  LogForger forger(g.alice, g.dave);
  g.net.set_tap(&forger);
  g.send("alice", "hello");
  ASSERT_GT(forger.forged, 0);
  for (const auto* device : {"bob-phone", "bob-laptop"}) {
    auto& d = g.net.device(device);
    const auto groups = d.store->groups();
    ASSERT_TRUE(groups.ok() && !groups->empty());
    const auto membership = d.engine->group_membership(groups->front().chat).value();
    ASSERT_TRUE(membership.has_value()) << device;
    EXPECT_FALSE(membership->is_member(g.dave)) << device;
    EXPECT_EQ(membership->version, 1u) << device;
    EXPECT_FALSE(d.events_of<FailedEvent>().empty()) << device << " did not report the forged entry";
  }
  // Bob's messages go to the members his verified log shows: Dave gets nothing.
  g.send("bob-phone", "members only");
  g.net.set_tap(nullptr);
  EXPECT_TRUE(group_texts(g.net, "dave").empty());
  EXPECT_EQ(count(group_texts(g.net, "carol"), "members only"), 1u);
}

TEST(GroupAdversary, ReplayedDeliveriesAndKeysAreReadOnce) {
  GroupOfThree g;
  g.net.duplicate("bob-phone", true);
  g.net.duplicate("carol", true);
  g.send("alice", "one");
  g.send("alice", "two");
  g.send("bob-laptop", "three");
  for (const auto* device : {"bob-phone", "carol"}) {
    const auto texts = group_texts(g.net, device);
    for (const auto* text : {"one", "two"}) EXPECT_EQ(count(texts, text), 1u) << device << " " << text;
  }
  EXPECT_EQ(count(group_texts(g.net, "carol"), "three"), 1u);
  EXPECT_EQ(count(group_texts(g.net, "bob-phone"), "three"), 1u);
}

}  // namespace
}  // namespace parley::client::testing
