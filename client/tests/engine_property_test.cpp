// The stateful property of issue 6: random sequences of sends, dropped connections, duplicated and
// reordered deliveries, links, unlinks and restarts over the in-memory network. Every message a
// device sends is read by exactly the devices of both accounts that were linked when it was sent
// (and by no device twice), unless that device reported an identity change for the sender's device
// (a device id re-linked with a new key: held for the person, spec §8.6); a device removed before a
// message was sent never reads it. Companions are linked by the real QR flow of spec §8.2.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

enum class Op { send, offline, online, duplicate, reorder, link, unlink, restart };

struct Sent {
  std::string text, sender;
  std::uint64_t to = 0;
  std::set<std::string> readers;  // linked devices of both accounts when it was sent
};

RC_GTEST_PROP(EngineProperty, EveryMessageIsReadOnceByTheDevicesLinkedWhenItWasSent, ()) {
  SimNetwork net;
  net.register_account("a1");
  net.register_account("b1");
  const std::map<char, std::uint64_t> account = {{'a', net.device("a1").engine->identity().account},
                                                 {'b', net.device("b1").engine->identity().account}};
  std::vector<std::string> linked = {"a1", "b1"};
  std::set<std::string> removed;
  std::map<char, int> next_device = {{'a', 2}, {'b', 2}};
  std::vector<Sent> sent;

  const auto ops = *rc::gen::container<std::vector<Op>>(
      *rc::gen::inRange<std::size_t>(3, 16), rc::gen::element(Op::send, Op::send, Op::send, Op::offline, Op::online,
                                                                Op::duplicate, Op::reorder, Op::link, Op::unlink,
                                                                Op::restart));
  static const char* const kOpNames[] = {"send", "offline", "online", "duplicate", "reorder", "link", "unlink", "restart"};
  for (const auto op : ops) {
    const auto who = *rc::gen::elementOf(linked);
    RC_LOG() << kOpNames[static_cast<int>(op)] << " " << who << "\n";  // shown for a failing case
    switch (op) {
      case Op::send: {
        const char side = who[0];
        const auto to = account.at(side == 'a' ? 'b' : 'a');
        Sent s{"m" + std::to_string(sent.size()), who, to, {}};
        for (const auto& d : linked) s.readers.insert(d);
        net.go_online(who);  // a person writes from a device that is connected
        net.send(who, to, s.text);
        sent.push_back(std::move(s));
        break;
      }
      case Op::offline: net.go_offline(who); break;
      case Op::online: net.go_online(who); break;
      case Op::duplicate: net.duplicate(who, *rc::gen::arbitrary<bool>()); break;
      case Op::reorder: net.reorder(who, *rc::gen::arbitrary<bool>()); break;
      case Op::link: {
        const char side = *rc::gen::element('a', 'b');
        const std::string primary(1, side);
        if (std::count_if(linked.begin(), linked.end(), [&](const std::string& d) { return d[0] == side; }) >= 5) break;
        net.go_online(primary + "1");
        const auto name = primary + std::to_string(next_device[side]++);
        net.link_companion(primary + "1", name);
        linked.push_back(name);
        break;
      }
      case Op::unlink: {
        if (who == "a1" || who == "b1") break;  // the primary is the account
        net.go_online(std::string(1, who[0]) + "1");
        net.remove_companion(std::string(1, who[0]) + "1", who);
        linked.erase(std::find(linked.begin(), linked.end(), who));
        removed.insert(who);
        break;
      }
      case Op::restart:
        net.restart(who);
        break;
    }
  }
  for (const auto& d : linked) {
    net.duplicate(d, false);
    net.reorder(d, false);
    net.go_online(d);
  }
  net.settle();

  for (const auto& s : sent) {
    for (const auto& d : linked) {
      const char side = d[0];
      const auto chat = account.at(side == 'a' ? 'b' : 'a');
      const auto messages = net.device(d).store->messages(chat);
      RC_ASSERT(messages.ok());
      const auto n = std::count_if(messages->begin(), messages->end(), [&](const StoredMessage& m) { return m.body == s.text; });
      const bool should = d == s.sender || s.readers.contains(d);
      RC_LOG() << s.text << " from " << s.sender << " at " << d << ": " << n << "\n";
      // A device id re-linked with a new identity key: a device that had a session with the old
      // one reports the change and leaves the message unread for the person to decide (spec §8.6),
      // which is the only way a message may be missing.
      const auto& from = net.device(s.sender).engine->identity();
      const auto changes = net.device(d).events_of<IdentityChangeEvent>();
      const bool held = std::any_of(changes.begin(), changes.end(), [&](const IdentityChangeEvent& e) {
        return e.account == from.account && e.device == from.device;
      });
      RC_ASSERT(n == (should && !(n == 0 && held) ? 1 : 0));
    }
    for (const auto& d : removed) {
      if (s.readers.contains(d)) continue;  // it may have read it before it was removed
      const auto messages = net.device(d).store->messages(account.at(d[0] == 'a' ? 'b' : 'a'));
      RC_ASSERT(messages.ok());
      RC_ASSERT(std::none_of(messages->begin(), messages->end(), [&](const StoredMessage& m) { return m.body == s.text; }));
    }
  }
  for (const auto& d : linked) {
    std::map<std::string, int> shown;
    for (const auto& e : net.device(d).events_of<MessageEvent>()) RC_ASSERT(++shown[e.message.body] == 1);
    for (const auto& f : net.device(d).events_of<FailedEvent>()) RC_FAIL(d + ": " + core::to_string(f.error));
  }
}

}  // namespace
}  // namespace parley::client::testing
