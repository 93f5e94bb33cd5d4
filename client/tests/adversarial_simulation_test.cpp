// The adversarial simulation of spec §9: a RapidCheck property over the in-memory network in which
// the server's place is the adversary's (adversary.h) and some accounts are its own (Mallory, and a
// fake it plants). Honest steps (send, read, link, remove, restart, go offline, accept a new key,
// and a store write that fails or crashes) interleave with the adversary's (drop, delay, duplicate,
// replay, rewrite a sender, forge a sender, forge a companion's own list, substitute bundles, relay
// or ask for retries, drain prekeys). After every step:
//   - confidentiality: no text between honest accounts reaches a device whose keys it holds;
//   - authenticity: every message an honest device shows as from (A, d) was written by (A, d); every
//     device an honest device encrypts to exists, and every session it holds is under a key that
//     address really had;
//   - no silent identity change: a session's key for an address changes only after the person on
//     that device accepted a change for it;
//   - nothing is shown twice.
// Then the adversary stops; honest steps (and store faults) go on; then everyone accepts what is
// pending and restarts, and every message written after the attack by a device still linked is shown
// exactly once on every honest device linked when it was written and still linked (liveness after
// the attack).
//
// Built twice: against the client library (the property must hold) and against its mutant build
// (include/parley/client/testing/mutation.h), where PARLEY_MUTATION names a defect put back and
// the property must fail within the case count ctest gives it.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adversary.h"
#include "parley/client/testing/mutation.h"

namespace parley::client::testing {
namespace {

using Address = std::pair<std::uint64_t, std::uint32_t>;

enum class Op {
  // honest
  send, read, link, unlink, restart, offline, online, accept, fault,
  // the adversary's
  drop, delay, release, duplicate, replay, rewrite_sender, impersonate, forge_lists, substitute_bundles,
  ask_retry, relay_retry, drain, mallory_send,
};
constexpr const char* kOpNames[] = {"send",        "read",        "link",      "unlink",         "restart",
                                    "offline",     "online",      "accept",    "fault",          "drop",
                                    "delay",       "release",     "duplicate", "replay",         "rewrite_sender",
                                    "impersonate", "forge_lists", "substitute_bundles", "ask_retry", "relay_retry",
                                    "drain",       "mallory_send"};

// How many steps of each kind the run took (printed at its end, so that a long run reports how
// much the adversary did, not only how many cases passed).
std::array<std::uint64_t, std::size(kOpNames)> steps_taken{};

rc::Gen<Op> honest_ops() {
  return rc::gen::weightedElement<Op>({{6, Op::send}, {2, Op::read}, {1, Op::link}, {1, Op::unlink}, {1, Op::restart},
                                       {1, Op::offline}, {1, Op::online}, {1, Op::accept}, {2, Op::fault}});
}
rc::Gen<Op> any_ops() {
  return rc::gen::weightedElement<Op>({{6, Op::send}, {2, Op::read}, {2, Op::link}, {1, Op::unlink}, {1, Op::restart},
                                       {1, Op::offline}, {1, Op::online}, {1, Op::accept}, {2, Op::fault},
                                       {1, Op::drop}, {1, Op::delay}, {1, Op::release}, {1, Op::duplicate},
                                       {1, Op::replay}, {1, Op::rewrite_sender}, {2, Op::impersonate}, {1, Op::forge_lists},
                                       {1, Op::substitute_bundles}, {3, Op::ask_retry}, {1, Op::relay_retry}, {1, Op::drain},
                                       {2, Op::mallory_send}});
}

struct Written {
  std::string text, sender;
  std::uint64_t to = 0;
  std::set<std::string> readers;  // honest devices of both accounts linked when it was written
  bool after_attack = false;
};

class World {
 public:
  SimNetwork net{{}, DeviceStores::memory};
  Adversary adversary{net};
  std::map<char, std::uint64_t> account;  // 'a', 'b': honest; 'm': Mallory's; 'f': the fake's
  std::vector<std::string> linked;        // honest devices linked now
  std::map<char, int> next_device = {{'a', 2}, {'b', 2}};
  std::map<std::string, Address> authors;  // every text ever written, by whom
  std::vector<Written> written;
  std::map<std::string, std::map<Address, crypto::X25519PublicKey>> trusted;  // device -> address -> key it may use
  std::map<std::string, std::size_t> accepted_changes;  // identity change events each device has dealt with
  int next_text = 0;
  bool attacking = true;

  World() {
    for (const char* name : {"a1", "b1", "m1", "f1"}) {
      const auto& id = net.register_account(name).engine->identity();
      account[name[0]] = id.account;
    }
    adversary.own("m1");
    adversary.own("f1");
    linked = {"a1", "b1"};
    net.send("m1", account['a'], "mallory says hi");  // Mallory is a contact of Alice's and Bob's
    net.send("m1", account['b'], "mallory says hi to bob");
    authors["mallory says hi"] = authors["mallory says hi to bob"] = {account['m'], 1};
  }

  static char side(const std::string& device) { return device[0]; }
  std::uint64_t peer_of(const std::string& device) const { return account.at(side(device) == 'a' ? 'b' : 'a'); }
  Address address(const std::string& device) {
    const auto& id = net.device(device).engine->identity();
    return {id.account, id.device};
  }

  void step(Op op) {
    const auto who = *rc::gen::elementOf(linked);
    RC_LOG() << kOpNames[static_cast<int>(op)] << " " << who;
    ++steps_taken[static_cast<std::size_t>(op)];
    switch (op) {
      case Op::send: {
        const bool to_mallory = *rc::gen::inRange(0, 4) == 0;
        const auto to = to_mallory ? account['m'] : peer_of(who);
        Written w{"t" + std::to_string(next_text++), who, to, {}, !attacking};
        if (!to_mallory)
          for (const auto& d : linked) w.readers.insert(d);
        RC_LOG() << " " << w.text << (to_mallory ? " to mallory" : "");
        authors[w.text] = address(who);
        net.go_online(who);
        net.send(who, to, w.text);
        if (!to_mallory) written.push_back(std::move(w));
        break;
      }
      case Op::read:
        net.go_online(who);
        net.mark_read(who, peer_of(who));
        break;
      case Op::link: {
        const char s = *rc::gen::element('a', 'b');
        if (std::count_if(linked.begin(), linked.end(), [&](const std::string& d) { return side(d) == s; }) >= 3) break;
        const std::string primary = std::string(1, s) + "1";
        const auto name = std::string(1, s) + std::to_string(next_device[s]++);
        RC_LOG() << " " << name;
        net.go_online(primary);
        net.link_companion(primary, name);
        // A link the adversary or a fault broke (an approval withheld, a crash in the middle) made
        // no companion: the person sees none.
        if (net.link_finished(primary, name)) linked.push_back(name);
        break;
      }
      case Op::unlink: {
        if (who == "a1" || who == "b1") break;
        const std::string primary = std::string(1, side(who)) + "1";
        net.go_online(primary);
        net.remove_companion(primary, who);
        linked.erase(std::find(linked.begin(), linked.end(), who));
        break;
      }
      case Op::restart: net.restart(who); break;
      case Op::offline: net.go_offline(who); break;
      case Op::online: net.go_online(who); break;
      case Op::accept: accept_all(who); break;
      case Op::fault: {
        const auto k = *rc::gen::inRange<std::uint64_t>(1, 20);
        const auto mode = *rc::gen::element(FaultMode::error, FaultMode::crash);
        RC_LOG() << " write " << k << (mode == FaultMode::crash ? " crashes" : " fails");
        net.faults.fail_write(k, mode);
        break;
      }
      case Op::drop: adversary.drop(who, *rc::gen::inRange(1, 4)); break;
      case Op::delay: adversary.delay(who, *rc::gen::inRange(1, 4)); break;
      case Op::release:
        if (net.online(who)) adversary.release(who);
        break;
      case Op::duplicate: adversary.duplicate(who, *rc::gen::inRange(1, 4)); break;
      case Op::replay:
        if (net.online(who)) adversary.replay(who, *rc::gen::inRange<std::size_t>(0, 64));
        break;
      case Op::rewrite_sender: {
        const auto claimed = some_address();
        RC_LOG() << " as " << claimed.first << "/" << claimed.second;
        adversary.rewrite_sender(who, *rc::gen::inRange(1, 3), claimed.first, claimed.second);
        break;
      }
      case Op::impersonate: {
        const auto claimed = some_address();
        const auto text = "forged" + std::to_string(next_text++);
        RC_LOG() << " as " << claimed.first << "/" << claimed.second << " " << text;
        authors[text] = {account['f'], 1};
        adversary.impersonate("f1", account[side(who)], claimed.first, claimed.second, text);
        break;
      }
      case Op::forge_lists: adversary.forge_own_lists("f1"); break;
      case Op::substitute_bundles: adversary.substitute_bundles("f1"); break;
      case Op::ask_retry: {  // for one of the latest sends
        const auto& ids = adversary.honest_server_ids();
        if (ids.empty()) break;
        const auto id = ids[ids.size() - 1 - *rc::gen::inRange<std::size_t>(0, std::min<std::size_t>(ids.size(), 8))];
        const auto victim = address(who);
        adversary.ask_retry("m1", victim.first, victim.second, id, *rc::gen::inRange(1, 4));
        break;
      }
      case Op::relay_retry: {
        const auto& ids = adversary.honest_server_ids();
        if (ids.empty()) break;
        const auto id = ids[*rc::gen::inRange<std::size_t>(0, ids.size())];
        const auto claimed = some_address();
        if (net.online(who)) adversary.relay_retry(who, claimed.first, claimed.second, id, "f1");
        break;
      }
      case Op::drain: adversary.drain_prekeys("m1", account[side(who)], 50); break;
      case Op::mallory_send: {
        const auto text = "mallory" + std::to_string(next_text++);
        authors[text] = {account['m'], 1};
        net.send("m1", account[side(who)], text);
        break;
      }
    }
    RC_LOG() << "\n";
    check();
  }

  // An address the adversary may claim: a real device of any account, or one no account has.
  Address some_address() {
    const char s = *rc::gen::element('a', 'b', 'm');
    const auto device = *rc::gen::element<std::uint32_t>(1, 2, 3, 4, 7);
    return {account[s], device};
  }

  // The person on `device` accepts every identity change it reported.
  void accept_all(const std::string& device) {
    auto& d = net.device(device);
    net.go_online(device);
    const auto changes = d.events_of<IdentityChangeEvent>();
    for (auto i = accepted_changes[device]; i < changes.size(); ++i) {
      const Address at{changes[i].account, changes[i].device};
      RC_LOG() << " accepts " << at.first << "/" << at.second;
      trusted[device].erase(at);  // whatever key it now has, the person said yes to
      net.accept_identity(device, at.first, at.second);
    }
    accepted_changes[device] = changes.size();
  }

  // The keys each address really had (any device that ever was it, honest or the adversary's).
  std::map<Address, std::set<crypto::X25519PublicKey>> genuine_keys() {
    std::map<Address, std::set<crypto::X25519PublicKey>> out;
    for (const auto& [name, d] : net.devices_) {
      const auto& id = d.engine->identity();
      out[{id.account, id.device}].insert(id.identity.public_key);
    }
    return out;
  }

  void check() {
    // Confidentiality.
    const auto learnt = adversary.learnt();
    for (const auto& w : written) RC_ASSERT_FALSE(learnt.contains(w.text));
    // Authenticity of recipients.
    for (const auto& made_up : adversary.made_up_recipients()) RC_FAIL(made_up);
    const auto genuine = genuine_keys();
    for (const auto& name : linked) {
      auto& d = net.device(name);
      // Authenticity of senders, and nothing shown twice.
      std::set<std::string> shown;
      for (const auto& e : d.events_of<MessageEvent>()) {
        const auto& m = e.message;
        const auto author = authors.find(m.body);
        RC_ASSERT(author != authors.end());
        if (author->second != Address{m.sender_account, m.sender_device})
          RC_FAIL(name + " shows " + m.body + " as from " + std::to_string(m.sender_account) + "/" +
                  std::to_string(m.sender_device));
        RC_ASSERT(shown.insert(m.body).second);
      }
      // Sessions only under keys their addresses had; a key changes only after the person accepted.
      const auto sessions = d.store->session_summaries();
      RC_ASSERT(sessions.ok());
      for (const auto& s : *sessions) {
        const Address at{s.account, s.device};
        const auto keys = genuine.find(at);
        if (keys == genuine.end() || !keys->second.contains(s.identity_key))
          RC_FAIL(name + " holds a session with " + std::to_string(s.account) + "/" + std::to_string(s.device) +
                  " under a key that address never had");
        const auto [it, first] = trusted[name].emplace(at, s.identity_key);
        if (!first && it->second != s.identity_key)
          RC_FAIL(name + " changed the key of " + std::to_string(s.account) + "/" + std::to_string(s.device) +
                  " without the person accepting it");
      }
    }
  }

  // After the attack: everyone decides, starts again, and everything written since is shown once.
  void heal_and_check_liveness() {
    for (int round = 0; round < 2; ++round) {
      for (const auto& name : linked) accept_all(name);
      for (const auto& name : linked) net.restart(name);
    }
    check();
    for (const auto& w : written) {
      // A device removed since it wrote is in no list: what it wrote and was not read yet is dropped
      // (spec §8.6, who a message is from), so only its own account's other devices may have it.
      const bool sender_linked = std::find(linked.begin(), linked.end(), w.sender) != linked.end();
      for (const auto& name : linked) {
        const auto messages = net.device(name).store->messages(side(name) == side(w.sender) ? w.to : account[side(w.sender)]);
        RC_ASSERT(messages.ok());
        const auto n = std::count_if(messages->begin(), messages->end(), [&](const StoredMessage& m) { return m.body == w.text; });
        RC_ASSERT(n <= 1);
        if (w.after_attack && sender_linked && w.readers.contains(name) && n != 1)
          RC_FAIL(w.text + " from " + w.sender + " never reached " + name);
      }
    }
  }
};

void run_case() {
  World world;
  const auto attack = *rc::gen::container<std::vector<Op>>(*rc::gen::inRange<std::size_t>(4, 24), any_ops());
  for (const auto op : attack) world.step(op);
  RC_LOG() << "-- the adversary stops\n";
  world.attacking = false;
  world.adversary.stop();
  world.net.settle();
  world.check();
  const auto after = *rc::gen::container<std::vector<Op>>(*rc::gen::inRange<std::size_t>(2, 10), honest_ops());
  for (const auto op : after) world.step(op);
  world.net.faults.fail_at.reset();
  world.heal_and_check_liveness();
}

#ifndef PARLEY_MUTATION_HOOKS

TEST(AdversarialSimulation, TheServerAndMalloryBreakNoPromise) {
  steps_taken = {};
  EXPECT_TRUE(rc::check("no attack breaks confidentiality, authenticity, identity or liveness", run_case));
  std::uint64_t honest = 0, adversary = 0;
  std::string each;
  for (std::size_t op = 0; op < steps_taken.size(); ++op) {
    (op < static_cast<std::size_t>(Op::drop) ? honest : adversary) += steps_taken[op];
    each += std::string(" ") + kOpNames[op] + "=" + std::to_string(steps_taken[op]);
  }
  std::printf("steps: %llu honest, %llu by the adversary;%s\n", static_cast<unsigned long long>(honest),
              static_cast<unsigned long long>(adversary), each.c_str());
}

#else

// PARLEY_MUTATION names the defect put back; the property must fail (RC_PARAMS bounds the cases).
TEST(AdversarialSimulation, FindsTheDefectPutBack) {
  const char* name = std::getenv("PARLEY_MUTATION");
  ASSERT_NE(name, nullptr) << "set PARLEY_MUTATION";
  const auto defect = mutation::defect_named(name);
  ASSERT_TRUE(defect.has_value()) << name;
  mutation::active = *defect;
  EXPECT_FALSE(rc::check(std::string("the simulation finds ") + name, run_case)) << "the simulation did not find " << name;
  mutation::active = mutation::Defect::none;
}

#endif

}  // namespace
}  // namespace parley::client::testing
