// The group cipher's rules (spec §11.1), each at its limit N and N + 1 where it has one.
#include <gtest/gtest.h>

#include <sstream>

#include "group_fixture.h"
#include "parley/core/hex.h"
#include "parley/protocol/limits.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::protocol::groups {
namespace {

using core::Errc;
using testing::Receiver;
using testing::Sender;
using testing::text;

TEST(SenderKey, InOrderAndOutOfOrderMessagesDecryptOnce) {
  Sender alice(1);
  Receiver bob;
  bob.process(alice.distribution);
  const auto m0 = alice.send(text("zero"));
  const auto m1 = alice.send(text("one"));
  const auto m2 = alice.send(text(""));
  EXPECT_EQ(*bob.receive(m2), text(""));
  EXPECT_EQ(*bob.receive(m0), text("zero"));
  EXPECT_EQ(*bob.receive(m1), text("one"));
  EXPECT_EQ(bob.record->states.front().iteration, 3u);
  EXPECT_TRUE(bob.record->states.front().message_keys.empty());
  for (const auto& m : {m0, m1, m2}) EXPECT_EQ(bob.receive(m).code(), Errc::duplicate_message);
}

TEST(SenderKey, ForwardJumpAtNAndNPlusOne) {
  for (const std::uint32_t jump : {kMaxSenderKeyForwardJump, kMaxSenderKeyForwardJump + 1}) {
    Sender alice(2);
    Receiver bob;
    bob.process(alice.distribution);
    alice.skip(jump);
    const auto before = *bob.record;
    const auto r = bob.receive(alice.send(text("far")));
    if (jump == kMaxSenderKeyForwardJump) {
      ASSERT_TRUE(r.ok()) << core::to_string(r.error());
      EXPECT_EQ(bob.record->states.front().message_keys.size(), kMaxSenderMessageKeys);
    } else {
      EXPECT_EQ(r.code(), Errc::too_far_in_future);
      EXPECT_EQ(*bob.record, before);
    }
  }
}

TEST(SenderKey, StoredMessageKeysAtNAndNPlusOneDropTheOldestFirst) {
  // N: iterations 0 .. 1999 skipped, all kept. N + 1: 0 .. 2000 skipped, iteration 0 dropped.
  for (const std::size_t skipped : {kMaxSenderMessageKeys, kMaxSenderMessageKeys + 1}) {
    Sender alice(3);
    Receiver bob;
    bob.process(alice.distribution);
    const auto m0 = alice.send(text("first"));
    const auto m1 = alice.send(text("second"));
    alice.skip(static_cast<std::uint32_t>(skipped - 2));
    ASSERT_TRUE(bob.receive(alice.send(text("last"))).ok());
    EXPECT_EQ(bob.record->states.front().message_keys.size(), kMaxSenderMessageKeys);
    if (skipped == kMaxSenderMessageKeys) {
      EXPECT_EQ(*bob.receive(m0), text("first"));
    } else {
      EXPECT_EQ(bob.receive(m0).code(), Errc::duplicate_message);
    }
    EXPECT_EQ(*bob.receive(m1), text("second"));
  }
}

TEST(SenderKey, StatesPerRecordAtNAndNPlusOne) {
  // Distribution messages of the same distribution id from kMaxSenderKeyStates + 1 chains (the
  // sender rekeyed each time): the oldest chain is dropped only by the last one.
  std::vector<Sender> chains;
  Receiver bob;
  for (std::uint64_t i = 0; i <= kMaxSenderKeyStates; ++i) chains.emplace_back(100 + i);
  std::vector<core::Bytes> first_messages;
  for (auto& c : chains) first_messages.push_back(c.send(text("hello")));
  for (std::size_t i = 0; i < kMaxSenderKeyStates; ++i) bob.process(chains[i].distribution);
  EXPECT_EQ(bob.record->states.size(), kMaxSenderKeyStates);
  const Receiver at_n = bob;
  bob.process(chains.back().distribution);
  EXPECT_EQ(bob.record->states.size(), kMaxSenderKeyStates);
  Receiver n = at_n;
  EXPECT_TRUE(n.receive(first_messages[0]).ok());
  EXPECT_EQ(bob.receive(first_messages[0]).code(), Errc::no_session);
  for (std::size_t i = 1; i <= kMaxSenderKeyStates; ++i)
    EXPECT_TRUE(bob.receive(first_messages[i]).ok()) << i;
}

TEST(SenderKey, ProcessingTheSameDistributionAgainKeepsTheStateAndMovesItToTheFront) {
  Sender alice(4), carol(5);
  Receiver bob;
  bob.process(alice.distribution);
  const auto m0 = alice.send(text("a"));
  ASSERT_TRUE(bob.receive(m0).ok());
  bob.process(carol.distribution);
  EXPECT_EQ(bob.record->states.front().chain_id, carol.record.states.front().chain_id);
  const auto alice_state = *bob.record->state_for_chain(alice.record.states.front().chain_id);
  bob.process(alice.distribution);
  EXPECT_EQ(bob.record->states.size(), 2u);
  EXPECT_EQ(bob.record->states.front(), alice_state);  // not reset to iteration 0
  EXPECT_EQ(bob.receive(m0).code(), Errc::duplicate_message);
}

TEST(SenderKey, ANewSigningKeyForAKnownChainReplacesItAndReaddingStartsOver) {
  Sender alice(6);
  Receiver bob;
  bob.process(alice.distribution);
  const auto m0 = alice.send(text("a"));
  ASSERT_TRUE(bob.receive(m0).ok());
  wire::LibsignalSenderKeyCodec codec;
  auto forged = *codec.decode_distribution(alice.distribution);
  forged.signing_key[0] ^= 1;
  bob.process(codec.encode_distribution(forged));
  ASSERT_EQ(bob.record->states.size(), 1u);
  EXPECT_EQ(bob.record->states.front().signing_public, forged.signing_key);
  EXPECT_EQ(bob.receive(alice.send(text("b"))).code(), Errc::bad_signature);
  bob.process(alice.distribution);  // the replaced state comes back from iteration 0
  EXPECT_EQ(*bob.receive(m0), text("a"));
}

TEST(SenderKey, CreatingTheDistributionAgainDoesNotRekey) {
  Sender alice(7);
  alice.send(text("a"));
  alice.send(text("b"));
  const auto again = *alice.codec.decode_distribution(alice.current_distribution());
  const auto first = *alice.codec.decode_distribution(alice.distribution);
  EXPECT_EQ(again.chain_id, first.chain_id);
  EXPECT_EQ(again.signing_key, first.signing_key);
  EXPECT_EQ(again.iteration, 2u);
  EXPECT_EQ(again.chain_key, alice.record.states.front().chain_key);
}

TEST(SenderKey, AMemberWhoJoinedLateCannotReadEarlierIterations) {
  Sender alice(8);
  const auto m0 = alice.send(text("before"));
  Receiver late;
  late.process(alice.current_distribution());
  EXPECT_EQ(late.receive(m0).code(), Errc::duplicate_message);
  EXPECT_EQ(*late.receive(alice.send(text("after"))), text("after"));
}

// Every error of the receive order, in order, each leaving the record as it was.
TEST(SenderKey, EveryReceiveErrorHasItsOwnCodeAndChangesNothing) {
  Sender alice(9);
  Receiver bob;
  EXPECT_EQ(bob.receive(alice.send(text("no record yet"))).code(), Errc::no_session);
  bob.process(alice.distribution);
  const auto good = alice.send(text("good"));
  const auto before = *bob.record;
  auto with = [&](auto change) {
    auto m = good;
    change(m);
    return bob.receive(m).code();
  };
  EXPECT_EQ(with([](core::Bytes& m) { m.resize(64); }), Errc::too_short);
  EXPECT_EQ(with([](core::Bytes& m) { m[0] = 0x23; }), Errc::legacy_version);
  EXPECT_EQ(with([](core::Bytes& m) { m[0] = 0x43; }), Errc::unsupported_version);
  EXPECT_EQ(with([](core::Bytes& m) { m[0] = 0x3f; }),
            Errc::bad_signature);                                         // low nibble: signed, else ignored
  EXPECT_EQ(with([](core::Bytes& m) { m[2] = 0x0f; }), Errc::malformed);  // distribution id of 15 bytes
  EXPECT_EQ(with([](core::Bytes& m) { m[3] ^= 1; }), Errc::no_session);   // another distribution id
  Sender stranger(10);
  EXPECT_EQ(bob.receive(stranger.send(text("x"))).code(),
            Errc::no_session);  // same distribution, unknown chain
  EXPECT_EQ(with([](core::Bytes& m) { m[m.size() - 70] ^= 1; }), Errc::bad_signature);
  EXPECT_EQ(*bob.record, before);
  EXPECT_EQ(*bob.receive(good), text("good"));
}

// A validly signed message whose ciphertext does not decrypt: the sender's own key signs it.
TEST(SenderKey, AValidlySignedBadCiphertextIsDecryptFailedAndUsesNoKey) {
  Sender alice(11);
  Receiver bob;
  bob.process(alice.distribution);
  const auto& state = alice.record.states.front();
  for (const std::size_t length : {0u, 15u, 32u}) {
    SenderKeyMessage m{kSenderKeyVersionByte, alice.distribution_id, state.chain_id, state.iteration + 1,
                       core::Bytes(length, 0x5a)};
    auto wire = alice.codec.encode_message(m);
    const auto signature = *crypto::xeddsa_sign(*state.signing_private, wire, alice.entropy);
    core::append(wire, signature);
    const auto before = *bob.record;
    EXPECT_EQ(bob.receive(wire).code(), Errc::decrypt_failed) << length;
    EXPECT_EQ(*bob.record, before);
  }
  const auto m0 = alice.send(text("zero"));
  EXPECT_EQ(*bob.receive(alice.send(text("one"))), text("one"));
  EXPECT_EQ(*bob.receive(m0), text("zero"));
}

TEST(SenderKey, AStateOfAnotherMessageVersionIsAMismatch) {
  Sender alice(12);
  Receiver bob;
  bob.process(alice.distribution);
  bob.record->states.front().message_version = 4;  // as a stored record could say
  EXPECT_EQ(bob.receive(alice.send(text("x"))).code(), Errc::message_version_mismatch);
  bob.record->states.front().message_version = 0;  // libsignal's "first version": 3
  EXPECT_TRUE(bob.receive(alice.send(text("y"))).ok());
}

TEST(SenderKey, EncryptingNeedsAStateWithItsPrivateKey) {
  Sender alice(13);
  Receiver bob;
  bob.process(alice.distribution);
  wire::LibsignalSenderKeyCodec codec;
  crypto::StreamEntropy entropy(1);
  EXPECT_EQ(group_encrypt({}, testing::kDistribution, text("x"), codec, entropy).code(), Errc::no_session);
  EXPECT_EQ(group_encrypt(*bob.record, testing::kDistribution, text("x"), codec, entropy).code(),
            Errc::bad_key);
  auto spent = alice.record;
  spent.states.front().iteration = 0xffffffffu;
  EXPECT_EQ(group_encrypt(spent, testing::kDistribution, text("x"), codec, entropy).code(),
            Errc::limit_exceeded);
}

TEST(SenderKey, DistributionMessagesAreRefusedWithLibsignalsKinds) {
  Sender alice(14);
  wire::LibsignalSenderKeyCodec codec;
  const auto& skdm = alice.distribution;
  EXPECT_EQ(codec.decode_distribution(core::BytesView(skdm).first(64)).code(), Errc::too_short);
  auto legacy = skdm;
  legacy[0] = 0x22;
  EXPECT_EQ(codec.decode_distribution(legacy).code(), Errc::legacy_version);
  auto key_type = skdm;
  key_type[key_type.size() - 33] = 0x06;
  EXPECT_EQ(codec.decode_distribution(key_type).code(), Errc::bad_key);
  auto short_key = skdm;
  short_key.pop_back();
  short_key[short_key.size() - 33] = 32;  // a 32-byte signing key field
  EXPECT_EQ(codec.decode_distribution(short_key).code(), Errc::malformed);
  auto round = *codec.decode_distribution(skdm);
  EXPECT_EQ(codec.encode_distribution(round), skdm);
}

// libsignal's record for bob after the recorded sample (signal-sender-key.json) decodes and
// encodes back to the same bytes.
TEST(SenderKeyRecordCodec, LibsignalsStoredRecordRoundTrips) {
  const auto bytes = *core::from_hex(
      "0a53089eb5d6ea031224080512203f9e0bb9a7e31513e4a775cd17192aab18be7094ab94b0e1b96e08968facec4a1a230a2105"
      "b354"
      "78c41c5129d493f77b8af54b42f279040e510882d0990433f3958a743e672803");
  const auto record = wire::decode_sender_key_record(bytes);
  ASSERT_TRUE(record.ok()) << core::to_string(record.error());
  ASSERT_EQ(record->states.size(), 1u);
  EXPECT_EQ(record->states[0].chain_id, 1029020318u);
  EXPECT_EQ(record->states[0].iteration, 5u);
  EXPECT_EQ(wire::encode_sender_key_record(*record), bytes);
}

TEST(SenderKeyRecordCodec, RecordsWithSkippedKeysRoundTripAndBadOnesAreMalformed) {
  Sender alice(15);
  Receiver bob;
  bob.process(alice.distribution);
  alice.skip(7);
  ASSERT_TRUE(bob.receive(alice.send(text("x"))).ok());
  const auto bytes = wire::encode_sender_key_record(alice.record);
  EXPECT_EQ(*wire::decode_sender_key_record(bytes), alice.record);
  const auto bob_bytes = wire::encode_sender_key_record(*bob.record);
  EXPECT_EQ(*wire::decode_sender_key_record(bob_bytes), *bob.record);
  for (std::size_t n = 1; n < bob_bytes.size(); ++n)
    EXPECT_FALSE(wire::decode_sender_key_record(core::BytesView(bob_bytes).first(n)).ok()) << n;
  SenderKeyRecord six;
  for (int i = 0; i <= static_cast<int>(kMaxSenderKeyStates); ++i)
    six.states.push_back(alice.record.states[0]);
  EXPECT_EQ(wire::decode_sender_key_record(wire::encode_sender_key_record(six)).code(), Errc::malformed);
}

TEST(SenderKey, PrintingAStateShowsNoKey) {
  Sender alice(16);
  std::ostringstream out;
  out << alice.record;
  const auto& s = alice.record.states.front();
  EXPECT_EQ(out.str().find(core::to_hex(s.chain_key.view())), std::string::npos);
  EXPECT_EQ(out.str().find(core::to_hex(s.signing_private->view())), std::string::npos);
  EXPECT_NE(out.str().find(std::to_string(s.chain_id)), std::string::npos);
}

}  // namespace
}  // namespace parley::protocol::groups
