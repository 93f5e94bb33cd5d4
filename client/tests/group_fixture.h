// Shared by the group simulation and adversary tests: a group of three accounts (one with a
// companion) made through the engines, and what a device holds in the group's chat.
#pragma once

#include <algorithm>

#include "parley/protocol/groups/membership_log.h"
#include "sim_network.h"

namespace parley::client::testing {

using protocol::groups::MembershipChange;

// What `device` holds in the group's chat (its chat number on that device).
inline std::vector<std::string> group_texts(SimNetwork& net, const std::string& device) {
  std::vector<std::string> out;
  const auto groups = net.device(device).store->groups();
  if (!groups.ok() || groups->empty()) return out;
  const auto messages = net.device(device).store->messages(groups->front().chat);
  if (messages.ok())
    for (const auto& m : *messages) out.push_back(m.body);
  return out;
}

inline std::size_t count(const std::vector<std::string>& texts, const std::string& text) {
  return static_cast<std::size_t>(std::count(texts.begin(), texts.end(), text));
}

inline void expect_no_failures(SimNetwork& net, const std::vector<std::string>& devices) {
  for (const auto& name : devices)
    for (const auto& f : net.device(name).events_of<FailedEvent>()) ADD_FAILURE() << name << ": " << core::to_string(f.error);
}

// Alice (admin), Bob with his phone and laptop, and Carol; Dave registered but not in the group.
struct GroupOfThree {
  SimNetwork net;
  std::uint64_t alice = 0, bob = 0, carol = 0, dave = 0;
  std::uint64_t chat = 0;  // on Alice's phone

  GroupOfThree() {
    alice = net.register_account("alice").engine->identity().account;
    bob = net.register_account("bob-phone").engine->identity().account;
    net.link_companion("bob-phone", "bob-laptop");
    carol = net.register_account("carol").engine->identity().account;
    dave = net.register_account("dave").engine->identity().account;
    auto& a = net.device("alice");
    auto created = a.engine->create_group("Hiking", {bob, carol});
    EXPECT_TRUE(created.ok()) << core::to_string(created.error());
    if (!created.ok()) return;
    chat = created->first;
    net.run("alice", [&] { return core::Result<EngineOutput>(std::move(created->second)); });
  }

  void send(const std::string& from, const std::string& text) {
    auto& d = net.device(from);
    const auto groups = d.store->groups();
    ASSERT_TRUE(groups.ok() && !groups->empty()) << from << " knows no group";
    net.run(from, [&]() -> core::Result<EngineOutput> {
      PARLEY_TRY(auto sent, d.engine->send_group(groups->front().chat, text));
      return std::move(sent.second);
    });
  }
  void change(MembershipChange change, std::vector<std::uint64_t> targets) {
    net.run("alice", [&] { return net.device("alice").engine->change_group(chat, change, targets); });
  }
};

}  // namespace parley::client::testing
