// Groups through the engines over the in-memory network (spec §11.3): a group of three accounts,
// one of them with a companion, made by its admin; one groupSend per message reaches every member
// device exactly once, in the group's chat; a removed member reads nothing sent after its removal
// (the sender rekeys); a newcomer reads nothing sent before it joined; a device that lost its key
// asks for the message again and reads it; the sender key goes once per device, not per message.
#include <gtest/gtest.h>

#include "group_fixture.h"

namespace parley::client::testing {
namespace {

TEST(GroupSimulation, EveryMemberDeviceReadsEachMessageOnceInTheGroupsChat) {
  GroupOfThree g;
  const auto membership = g.net.device("alice").engine->group_membership(g.chat);
  ASSERT_TRUE(membership.ok() && membership->has_value());
  EXPECT_EQ((*membership)->version, 1u);
  EXPECT_TRUE((*membership)->is_admin(g.alice));
  EXPECT_TRUE((*membership)->is_member(g.bob));

  g.send("alice", "hello group");
  for (const auto* device : {"bob-phone", "bob-laptop", "carol", "alice"})
    EXPECT_EQ(count(group_texts(g.net, device), "hello group"), 1u) << device;
  EXPECT_TRUE(group_texts(g.net, "dave").empty());
  // Members learned the group from the key and verified its log themselves.
  const auto bobs = g.net.device("bob-laptop").store->groups();
  ASSERT_TRUE(bobs.ok() && bobs->size() == 1);
  const auto seen = g.net.device("bob-laptop").engine->group_membership(bobs->front().chat);
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->subject, "Hiking");

  // The companion answers; every other device of every member reads it, Bob's phone as his own.
  g.send("bob-laptop", "from the laptop");
  for (const auto* device : {"alice", "bob-phone", "carol"})
    EXPECT_EQ(count(group_texts(g.net, device), "from the laptop"), 1u) << device;
  g.send("carol", "carol here");
  for (const auto* device : {"alice", "bob-phone", "bob-laptop"})
    EXPECT_EQ(count(group_texts(g.net, device), "carol here"), 1u) << device;
  expect_no_failures(g.net, {"alice", "bob-phone", "bob-laptop", "carol"});
}

TEST(GroupSimulation, TheKeyGoesOncePerDeviceAndEachMessageIsOneUpload) {
  GroupOfThree g;
  g.send("alice", "first");
  const auto after_first = g.net.written;
  g.send("alice", "second");
  g.send("alice", "third");
  // Steady state: one frame per message (the groupSend), no pairwise ciphertexts.
  EXPECT_EQ(g.net.written.ciphertexts, after_first.ciphertexts);
  for (const auto* device : {"bob-phone", "bob-laptop", "carol"}) EXPECT_EQ(group_texts(g.net, device).size(), 3u) << device;
}

TEST(GroupSimulation, ARemovedMemberReadsNothingSentAfterItsRemoval) {
  GroupOfThree g;
  g.send("alice", "before");
  g.change(MembershipChange::remove, {g.carol});
  g.send("alice", "after");
  g.send("bob-phone", "bob after");
  EXPECT_EQ(count(group_texts(g.net, "carol"), "before"), 1u);
  EXPECT_EQ(count(group_texts(g.net, "carol"), "after"), 0u);
  EXPECT_EQ(count(group_texts(g.net, "carol"), "bob after"), 0u);
  for (const auto* device : {"bob-phone", "bob-laptop"}) EXPECT_EQ(count(group_texts(g.net, device), "after"), 1u) << device;
  EXPECT_EQ(count(group_texts(g.net, "alice"), "bob after"), 1u);
  expect_no_failures(g.net, {"alice", "bob-phone", "bob-laptop"});
}

TEST(GroupSimulation, ANewcomerReadsNothingSentBeforeItJoined) {
  GroupOfThree g;
  g.send("alice", "old news");
  g.send("bob-phone", "more old news");
  g.change(MembershipChange::add, {g.dave});
  g.send("alice", "welcome dave");
  g.send("carol", "hi dave");
  const auto daves = group_texts(g.net, "dave");
  EXPECT_EQ(count(daves, "welcome dave"), 1u);
  EXPECT_EQ(count(daves, "hi dave"), 1u);
  EXPECT_EQ(count(daves, "old news"), 0u);
  EXPECT_EQ(count(daves, "more old news"), 0u);
  expect_no_failures(g.net, {"alice", "bob-phone", "bob-laptop", "carol", "dave"});
}

TEST(GroupSimulation, AGroupMessageSurvivesTheSendersRestartAndTheReceiversOfflineTime) {
  GroupOfThree g;
  g.net.go_offline("carol");
  g.send("alice", "while carol was away");
  g.net.restart("alice");
  g.net.go_online("carol");
  EXPECT_EQ(count(group_texts(g.net, "carol"), "while carol was away"), 1u);
  g.net.restart("carol");
  g.send("carol", "back");
  EXPECT_EQ(count(group_texts(g.net, "alice"), "back"), 1u);
  expect_no_failures(g.net, {"alice", "carol"});
}

TEST(GroupSimulation, ADeviceThatLostTheKeyAsksAndReadsTheMessageAgain) {
  GroupOfThree g;
  g.send("alice", "one");
  // Carol's device loses Alice's key (a damaged store, say): the next message cannot be read until
  // Alice answers the retry with her key and the message over their session.
  const auto groups = g.net.device("carol").store->groups();
  ASSERT_TRUE(groups.ok() && !groups->empty());
  ASSERT_TRUE(g.net.device("carol").store->delete_sender_keys(groups->front().group, g.alice).ok());
  g.send("alice", "two");
  g.send("alice", "three");
  const auto carols = group_texts(g.net, "carol");
  EXPECT_EQ(count(carols, "two"), 1u);
  EXPECT_EQ(count(carols, "three"), 1u);
}

TEST(GroupSimulation, OnlyAnAdminChangesTheGroupAndAMemberCannotBeAddedTwice) {
  GroupOfThree g;
  g.send("alice", "hi");
  const auto groups = g.net.device("carol").store->groups();
  ASSERT_TRUE(groups.ok() && !groups->empty());
  const auto refused = g.net.device("carol").engine->change_group(groups->front().chat, MembershipChange::add, {g.dave});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), core::Errc::unauthorized);
  const auto twice = g.net.device("alice").engine->change_group(g.chat, MembershipChange::add, {g.bob});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.code(), core::Errc::conflict);
}

}  // namespace
}  // namespace parley::client::testing
