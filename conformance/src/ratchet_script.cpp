#include "ratchet_script.h"

#include <cassert>

namespace parley::conformance::detail {

std::size_t ScriptBuilder::send(Party from, std::string text) {
  steps_.push_back({ScriptStep::Op::send, from, std::move(text), 0});
  senders_.push_back(from);
  return senders_.size() - 1;
}

void ScriptBuilder::deliver(std::size_t message) {
  assert(message < senders_.size());
  const Party to = senders_[message] == Party::alice ? Party::bob : Party::alice;
  steps_.push_back({ScriptStep::Op::deliver, to, {}, message});
}

namespace {

constexpr Party A = Party::alice;
constexpr Party B = Party::bob;

std::string numbered(char prefix, std::size_t n) { return prefix + std::to_string(n); }

}  // namespace

RatchetScript drops_reordering_dh_steps() {
  ScriptBuilder s;
  const auto a0 = s.send(A, "a0"), a1 = s.send(A, "a1"), a2 = s.send(A, "a2");
  s.deliver(a0);
  s.deliver(a2);  // skips a1
  const auto b0 = s.send(B, "b0"), b1 = s.send(B, "b1"), b2 = s.send(B, "b2");
  s.deliver(b2);  // DH step
  s.deliver(b0);  // from the skipped keys
  s.deliver(a1);  // late, a prekey message of the same run
  const auto a3 = s.send(A, "a3");
  s.send(A, "a4");  // dropped: never delivered
  const auto a5 = s.send(A, "a5");
  s.deliver(a5);  // DH step
  const auto b3 = s.send(B, "b3");
  s.deliver(b3);  // DH step
  s.deliver(a3);  // late on Alice's previous chain
  s.deliver(b1);  // late, from the skipped keys
  return {"ratchet-drops-reordering-dh-steps", "", true, s.take()};
}

std::vector<RatchetScript> conversation_scripts() {
  std::vector<RatchetScript> out;

  {  // Many messages on one chain, each delivered at once; then the first reply.
    ScriptBuilder s;
    for (std::size_t i = 0; i < 24; ++i) s.deliver(s.send(A, numbered('a', i)));
    s.deliver(s.send(B, "b0"));
    s.deliver(s.send(A, "a24"));
    out.push_back(
        {"long-one-way-run",
         "Alice sends 24 messages, each delivered in order (all prekey messages); Bob's first reply "
         "ends them, and Alice's next message is a whisper message on a new chain",
         true, s.take()});
  }
  {  // The newest first: the session is made by a message with counter 15, the rest are skipped keys.
    ScriptBuilder s;
    std::vector<std::size_t> sent;
    for (std::size_t i = 0; i < 16; ++i) sent.push_back(s.send(A, numbered('a', i)));
    for (std::size_t i = sent.size(); i-- > 0;) s.deliver(sent[i]);
    out.push_back(
        {"one-way-run-delivered-backwards",
         "Alice sends 16 messages and Bob receives them newest first: the first one he sees (counter "
         "15) creates his session and leaves 15 skipped keys, which the others use up",
         true, s.take()});
  }
  {  // Every message answered before the next: a DH step on every delivery. Sizes around the
     // AES-CBC block (padding of a whole block for 0, 16 and 32 bytes).
    ScriptBuilder s;
    const std::size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 100, 1000};
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const Party from = i % 2 == 0 ? A : B;
      std::string text(sizes[i], from == A ? 'a' : 'b');
      s.deliver(s.send(from, std::move(text)));
    }
    out.push_back(
        {"alternating-turns",
         "ten turns, each message answered before the next is sent, so every delivery is a DH step; "
         "plaintexts of 0, 1, 15, 16, 17, 31, 32, 33, 100 and 1000 bytes; no one-time prekey",
         false, s.take()});
  }
  {  // One chain, delivered in a shuffled order.
    ScriptBuilder s;
    std::vector<std::size_t> sent;
    for (std::size_t i = 0; i < 8; ++i) sent.push_back(s.send(A, numbered('a', i)));
    s.deliver(sent[0]);
    s.deliver(s.send(B, "b0"));  // Alice's DH step; her later messages are whisper messages
    for (std::size_t i : {3, 7, 1, 5, 2, 6, 4}) s.deliver(sent[i]);
    out.push_back(
        {"out-of-order-one-chain",
         "Alice sends 8 messages on one chain; Bob receives the first, replies, then the others in the "
         "order 3, 7, 1, 5, 2, 6, 4: skipped keys made and used in every order",
         true, s.take()});
  }
  {  // Two bursts from Alice around her DH step, interleaved on delivery.
    ScriptBuilder s;
    std::vector<std::size_t> first, second;
    for (std::size_t i = 0; i < 5; ++i) first.push_back(s.send(A, numbered('a', i)));
    s.deliver(first[0]);
    s.deliver(s.send(B, "b0"));  // Alice's DH step: her next messages are on a new chain
    for (std::size_t i = 5; i < 10; ++i) second.push_back(s.send(A, numbered('a', i)));
    s.deliver(second[2]);  // Bob's DH step, skipping a5 and a6 on the new chain
    s.deliver(first[3]);   // late on the old chain, skipping a1 and a2 there
    s.deliver(first[1]);
    s.deliver(second[4]);
    s.deliver(first[2]);
    s.deliver(second[0]);
    s.deliver(first[4]);
    s.deliver(second[1]);
    s.deliver(second[3]);
    out.push_back(
        {"burst-across-dh-step",
         "Alice sends a0-a4, gets Bob's reply (a DH step) and sends a5-a9 on her new chain; Bob receives "
         "a7 first, then the rest of both bursts interleaved: late messages on the older chain after "
         "the newer one exists",
         true, s.take()});
  }
  {  // One message held back in each of five rounds, all delivered at the end: the oldest is on
     // the fifth receiver chain, the most a session keeps (kMaxReceiverChains, spec §2.2).
    ScriptBuilder s;
    std::vector<std::size_t> held;
    for (std::size_t round = 0; round < 5; ++round) {
      held.push_back(s.send(A, "held-" + std::to_string(round)));
      s.deliver(s.send(A, "sent-" + std::to_string(round)));
      s.deliver(s.send(B, "reply-" + std::to_string(round)));
    }
    for (std::size_t m : held) s.deliver(m);
    out.push_back(
        {"late-messages-on-five-chains",
         "five rounds in which Alice sends two messages, Bob receives the second and replies; then the "
         "five held-back messages arrive, oldest first, each on an older receiver chain of Bob's (the "
         "oldest on the fifth, the most a session keeps)",
         true, s.take()});
  }
  {  // Bob talks first once the session exists; Alice's DH step is on a message with counter 5.
    ScriptBuilder s;
    s.deliver(s.send(A, "a0"));
    std::vector<std::size_t> burst;
    for (std::size_t i = 0; i < 6; ++i) burst.push_back(s.send(B, numbered('b', i)));
    s.deliver(burst[5]);
    for (std::size_t i = 0; i < 5; ++i) s.deliver(burst[i]);
    s.deliver(s.send(A, "a1"));
    s.deliver(s.send(B, "b6"));
    out.push_back({"responder-burst",
                   "after Alice's first message Bob sends six; Alice receives the last first (her DH step "
                   "skipping five keys), then the rest in order, and the conversation continues both ways",
                   false, s.take()});
  }
  {  // Messages that cross in flight: both sides send before hearing the other.
    ScriptBuilder s;
    s.deliver(s.send(A, "a0"));
    const auto b0 = s.send(B, "b0");
    const auto a1 = s.send(A, "a1");  // before b0 arrives: still on Alice's first chain
    s.deliver(b0);
    s.deliver(a1);                    // Bob: on the chain he already has, no DH step
    const auto a2 = s.send(A, "a2");  // Alice's new chain
    const auto b1 = s.send(B, "b1");  // Bob's chain from his first DH step
    s.deliver(a2);
    s.deliver(b1);
    s.deliver(s.send(B, "b2"));
    s.deliver(s.send(A, "a3"));
    out.push_back(
        {"crossing-messages",
         "both sides send before receiving the other's message, twice: a message crossing a DH step "
         "arrives on the chain the receiver already knows",
         true, s.take()});
  }
  return out;
}

}  // namespace parley::conformance::detail
