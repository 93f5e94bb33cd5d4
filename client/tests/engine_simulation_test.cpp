// Engines over the in-memory network (issue 6's deterministic simulation, first part): accounts
// register, publish their device lists, and write to each other; every message arrives exactly
// once, in the right chat, survives a restart of either side, and the sender hears it was sent.
#include <gtest/gtest.h>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

std::vector<std::string> texts(const std::vector<StoredMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
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
  for (const auto* name : {"alice", "bob"})
    for (const auto& f : net.device(name).events_of<FailedEvent>()) ADD_FAILURE() << name << ": " << core::to_string(f.error);
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

}  // namespace
}  // namespace parley::client::testing
