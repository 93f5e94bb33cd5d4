// The stateful property of the client engine (spec §8.6): random sequences of sends, dropped connections, duplicated and
// reordered deliveries, links, unlinks and restarts over the in-memory network. Every message a
// device sends is read by exactly the devices of both accounts that were linked when it was sent
// (and by no device twice), unless that device reported an identity change for the sender's device
// (a device id re-linked with a new key: held for the person, spec §8.6); a device removed before a
// message was sent never reads it. Companions are linked by the real QR flow of spec §8.2.
//
// Receipts (spec §10.2) ride along: every device of the sender that holds a message shows the same
// ticks once the network settled, whatever was lost, duplicated, reordered or restarted on the way;
// at least two ticks once a device of the recipient holds it; blue once a device of the recipient
// read the chat after it had the message; and no tick ever went back on any device.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "sim_network.h"

namespace parley::client::testing {
namespace {

enum class Op { send, offline, online, duplicate, reorder, link, unlink, restart, read };

struct Sent {
  std::string text, sender;
  std::uint64_t to = 0;
  std::set<std::string> readers;  // linked devices of both accounts when it was sent
  bool read = false;              // a device of the recipient read the chat while holding it
};

bool holds(SimNetwork& net, const std::string& device, std::uint64_t chat, const std::string& text, StoredMessage* found) {
  const auto messages = net.device(device).store->messages(chat);
  RC_ASSERT(messages.ok());
  for (const auto& m : *messages)
    if (m.body == text) {
      if (found != nullptr) *found = m;
      return true;
    }
  return false;
}

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
                                                                Op::restart, Op::read));
  static const char* const kOpNames[] = {"send",   "offline", "online",  "duplicate", "reorder",
                                         "link",   "unlink",  "restart", "read"};
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
      case Op::read: {
        const auto chat = account.at(who[0] == 'a' ? 'b' : 'a');
        net.go_online(who);
        for (auto& s : sent)
          if (s.to == account.at(who[0]) && holds(net, who, chat, s.text, nullptr)) s.read = true;
        net.mark_read(who, chat);
        break;
      }
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
  // The ticks: the same on every device of the sender that holds the message, two once the
  // recipient has it, blue once the recipient read it.
  for (const auto& s : sent) {
    const char sender_side = s.sender[0];
    bool recipient_has = false, blocked = false;
    for (const auto& d : linked) {
      if (d[0] == sender_side) continue;
      recipient_has = recipient_has || holds(net, d, account.at(sender_side), s.text, nullptr);
      // A receipt is a send like any other: one that a device's identity change stops (until the
      // person accepts it) stops the receipt too.
      blocked = blocked || !net.device(d).events_of<IdentityChangeEvent>().empty();
    }
    std::optional<protocol::receipts::Status> agreed;
    for (const auto& d : linked) {
      StoredMessage m;
      if (d[0] != sender_side || !holds(net, d, s.to, s.text, &m)) continue;
      const auto status = net.device(d).engine->status(m.chat, m.sender_device, m.message_id);
      RC_ASSERT(status.ok());
      RC_LOG() << s.text << " ticks at " << d << ": " << static_cast<int>(*status) << "\n";
      if (agreed) RC_ASSERT(*status == *agreed);
      agreed = *status;
      RC_ASSERT(*status >= protocol::receipts::Status::sent);
      if (recipient_has && !blocked) RC_ASSERT(*status >= protocol::receipts::Status::delivered);
      if (s.read && !blocked) RC_ASSERT(*status == protocol::receipts::Status::read);
    }
  }
  for (const auto& d : linked) {
    std::map<std::pair<std::uint32_t, std::uint64_t>, protocol::receipts::Status> highest;
    for (const auto& t : net.device(d).events_of<TicksEvent>()) {
      auto& h = highest[{t.sender_device, t.message_id}];
      RC_ASSERT(t.status >= h);  // no tick ever went back
      h = t.status;
    }
    std::map<std::string, int> shown;
    for (const auto& e : net.device(d).events_of<MessageEvent>()) RC_ASSERT(++shown[e.message.body] == 1);
    for (const auto& f : net.device(d).events_of<FailedEvent>()) RC_FAIL(d + ": " + core::to_string(f.error));
  }
}

}  // namespace
}  // namespace parley::client::testing
