// Laws of the group cipher (spec §11.1), checked by RapidCheck: any delivery order of a sender's
// messages within the limits decrypts each exactly once, and no failed message changes a record.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>

#include "group_fixture.h"
#include "parley/protocol/limits.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::protocol::groups {
namespace {

using testing::Receiver;
using testing::Sender;

struct Sent {
  core::Bytes wire;
  core::Bytes plaintext;
};

// `gaps[i]` iterations the sender skips before message i (messages not kept): the jumps stay far
// below kMaxSenderKeyForwardJump and the skipped keys below kMaxSenderMessageKeys.
std::vector<Sent> conversation(Sender& sender, const std::vector<std::uint8_t>& gaps) {
  std::vector<Sent> out;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    sender.skip(gaps[i]);
    core::Bytes plaintext(i % 40, static_cast<std::uint8_t>(i));
    out.push_back({sender.send(plaintext), plaintext});
  }
  return out;
}

RC_GTEST_PROP(SenderKeyProperties, AnyDeliveryOrderDecryptsEveryMessageExactlyOnce, ()) {
  const auto gaps = *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange<std::size_t>(1, 25),
                                                                   rc::gen::inRange<std::uint8_t>(0, 30));
  Sender alice(*rc::gen::arbitrary<std::uint32_t>());
  Receiver bob;
  bob.process(alice.distribution);
  const auto sent = conversation(alice, gaps);
  std::vector<std::size_t> order(sent.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 shuffler(*rc::gen::arbitrary<std::uint64_t>());
  std::shuffle(order.begin(), order.end(), shuffler);
  // Each message arrives once or twice; the second copy of any is a duplicate.
  const auto repeats = *rc::gen::container<std::vector<bool>>(order.size(), rc::gen::arbitrary<bool>());
  std::vector<bool> seen(sent.size(), false);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& m = sent[order[k]];
    const auto first = bob.receive(m.wire);
    RC_ASSERT(first.ok());
    RC_ASSERT(*first == m.plaintext);
    seen[order[k]] = true;
    if (repeats[k]) RC_ASSERT(bob.receive(m.wire).code() == core::Errc::duplicate_message);
  }
  RC_ASSERT(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
  // What remains stored is exactly the iterations the sender skipped without a message.
  std::size_t never_sent = 0;
  for (const auto g : gaps) never_sent += g;
  RC_ASSERT(bob.record->states.front().message_keys.size() == never_sent);
}

enum class Damage { flip_bit, truncate, forge, wrong_chain, replay };

RC_GTEST_PROP(SenderKeyProperties, NoFailedMessageChangesTheRecord, ()) {
  Sender alice(*rc::gen::arbitrary<std::uint32_t>());
  Receiver bob;
  bob.process(alice.distribution);
  const auto gaps = *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange<std::size_t>(1, 8),
                                                                   rc::gen::inRange<std::uint8_t>(0, 5));
  const auto sent = conversation(alice, gaps);
  // Some delivered already, so the record holds stored keys and a moved chain.
  for (std::size_t i = 0; i < sent.size(); i += 2) RC_ASSERT(bob.receive(sent[i].wire).ok());
  const auto& target = sent[*rc::gen::inRange<std::size_t>(0, sent.size())].wire;
  core::Bytes bad = target;
  switch (*rc::gen::element(Damage::flip_bit, Damage::truncate, Damage::forge, Damage::wrong_chain,
                            Damage::replay)) {
    case Damage::flip_bit: {
      const auto bit = *rc::gen::inRange<std::size_t>(0, bad.size() * 8);
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      break;
    }
    case Damage::truncate:
      bad.resize(*rc::gen::inRange<std::size_t>(0, bad.size()));
      break;
    case Damage::forge: {  // the same fields signed by another key
      Sender mallory(*rc::gen::arbitrary<std::uint32_t>() | 1u << 31);
      auto fields = alice.codec.decode_message(target)->fields;
      bad = alice.codec.encode_message(fields);
      core::append(
          bad, *crypto::xeddsa_sign(*mallory.record.states.front().signing_private, bad, mallory.entropy));
      break;
    }
    case Damage::wrong_chain: {  // another chain of the same distribution id
      Sender other(*rc::gen::arbitrary<std::uint32_t>() | 1u << 31);
      bad = other.send(core::Bytes{1, 2, 3});
      break;
    }
    case Damage::replay:
      bad = sent[0].wire;  // delivered above
      break;
  }
  const auto before = wire::encode_sender_key_record(*bob.record);
  // Every byte before the signature is signed and the signature is checked strictly, so no
  // damaged message decrypts.
  RC_ASSERT(!bob.receive(bad).ok());
  RC_ASSERT(wire::encode_sender_key_record(*bob.record) == before);
}

}  // namespace
}  // namespace parley::protocol::groups
