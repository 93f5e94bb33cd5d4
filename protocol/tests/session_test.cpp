// Pairwise sessions end to end (spec §5): examples and RapidCheck laws, run once per wire layout as
// one typed test: libsignal's protobuf layout (§5.6) and Parley's Cap'n Proto layout (§5.7) must
// behave the same. A failed receive must leave the record exactly as it was.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "parley/protocol/limits.h"
#include "parley/wire/capnp_codec.h"
#include "parley/wire/libsignal_codec.h"
#include "session_fixture.h"

namespace parley::testing {
namespace {

using core::Errc;
using protocol::MessageType;

std::string text(const core::Bytes& b) { return {b.begin(), b.end()}; }

template <typename Codec>
class SessionTest : public ::testing::Test {
 protected:
  using Pair = SessionPair<Codec>;
  // The other layout, whose messages this one must refuse.
  using OtherCodec = std::conditional_t<std::is_same_v<Codec, wire::CapnpCodec>, wire::LibsignalCodec, wire::CapnpCodec>;
};

class CodecNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, wire::CapnpCodec> ? "Capnp" : "Libsignal";
  }
};

using Codecs = ::testing::Types<wire::LibsignalCodec, wire::CapnpCodec>;
TYPED_TEST_SUITE(SessionTest, Codecs, CodecNames);

TYPED_TEST(SessionTest, PrekeyMessagesUntilFirstReplyThenWhisper) {
  typename TestFixture::Pair p(1);
  ASSERT_TRUE(p.started);
  auto m1 = p.send(p.alice, "hello");
  auto m2 = p.send(p.alice, "again");
  EXPECT_EQ(m1.type, MessageType::prekey);
  EXPECT_EQ(m2.type, MessageType::prekey);
  EXPECT_EQ(text(p.receive(p.bob, m1).value()), "hello");
  EXPECT_TRUE(p.bob.keys.one_time_prekeys.empty());  // consumed once the first message authenticated
  EXPECT_EQ(text(p.receive(p.bob, m2).value()), "again");  // same base key: same session
  auto reply = p.send(p.bob, "hi");
  EXPECT_EQ(reply.type, MessageType::whisper);
  EXPECT_EQ(text(p.receive(p.alice, reply).value()), "hi");
  EXPECT_EQ(p.send(p.alice, "now whisper").type, MessageType::whisper);
}

TYPED_TEST(SessionTest, LongConversationWithRatchetStepsAndGaps) {
  typename TestFixture::Pair p(2);
  ASSERT_TRUE(p.to_bob("setup").ok());
  for (int round = 0; round < 20; ++round) {
    // A burst each way, the middle message delivered last.
    std::vector<protocol::OutgoingMessage> burst;
    for (int i = 0; i < 3; ++i) burst.push_back(p.send(p.alice, "a" + std::to_string(i)));
    for (int i : {0, 2, 1}) EXPECT_EQ(text(p.receive(p.bob, burst[i]).value()), "a" + std::to_string(i));
    EXPECT_EQ(text(p.to_alice("b" + std::to_string(round)).value()), "b" + std::to_string(round));
  }
  EXPECT_EQ(p.bob.record.current->skipped.size(), 0u);
  EXPECT_EQ(p.alice.record.current->receivers.size(), protocol::kMaxReceiverChains);
}

TYPED_TEST(SessionTest, ForgedFirstMessageBurnsNoPrekey) {
  typename TestFixture::Pair p(3);
  auto m1 = p.send(p.alice, "hello");
  auto forged = m1;
  forged.wire[forged.wire.size() - 20] ^= 0x01;  // inside the inner message's MAC-covered bytes
  const auto before = p.bob.record;
  EXPECT_FALSE(p.receive(p.bob, forged).ok());
  EXPECT_EQ(p.bob.keys.one_time_prekeys.size(), 1u);
  EXPECT_EQ(p.bob.record, before);
  EXPECT_EQ(text(p.receive(p.bob, m1).value()), "hello");
}

TYPED_TEST(SessionTest, UnknownPrekeyIsTyped) {
  typename TestFixture::Pair p(4);
  auto m1 = p.send(p.alice, "hello");
  p.bob.keys.one_time_prekeys.clear();
  EXPECT_EQ(p.receive(p.bob, m1).code(), Errc::unknown_prekey);
}

TYPED_TEST(SessionTest, WithoutOneTimePrekey) {
  typename TestFixture::Pair p(5, /*one_time=*/false);
  EXPECT_EQ(text(p.to_bob("x").value()), "x");
  EXPECT_EQ(p.bob.keys.one_time_prekeys.size(), 1u);
}

TYPED_TEST(SessionTest, DuplicateIsRejected) {
  typename TestFixture::Pair p(6);
  ASSERT_TRUE(p.to_bob("a").ok());
  auto reply = p.send(p.bob, "b");
  ASSERT_TRUE(p.receive(p.alice, reply).ok());
  EXPECT_EQ(p.receive(p.alice, reply).code(), Errc::duplicate_message);
}

TYPED_TEST(SessionTest, TooFarAheadIsRejectedAtLimitPlusOne) {
  typename TestFixture::Pair p(7);
  ASSERT_TRUE(p.to_bob("a").ok());
  ASSERT_TRUE(p.to_alice("b").ok());
  // Counters 0 .. kMaxForwardJump: the last is exactly at the limit and decrypts.
  std::vector<protocol::OutgoingMessage> burst;
  for (std::uint32_t i = 0; i <= protocol::kMaxForwardJump + 1; ++i) burst.push_back(p.send(p.alice, "m"));
  EXPECT_EQ(p.receive(p.bob, burst[protocol::kMaxForwardJump + 1]).code(), Errc::too_far_in_future);
  EXPECT_TRUE(p.receive(p.bob, burst[protocol::kMaxForwardJump]).ok());
  EXPECT_TRUE(p.receive(p.bob, burst[protocol::kMaxForwardJump + 1]).ok());
}

TYPED_TEST(SessionTest, NoSessionIsTyped) {
  Device d;
  EXPECT_EQ(protocol::session_encrypt(d.record, {}, TypeParam{}).code(), Errc::no_session);
}

// The skipped-key bound is per receiver chain (libsignal's): skipping 1,500 on each of two chains
// keeps the first chain's oldest key.
TYPED_TEST(SessionTest, SkippedKeyBoundIsPerChain) {
  typename TestFixture::Pair p(9);
  ASSERT_TRUE(p.to_bob("setup").ok());
  ASSERT_TRUE(p.to_alice("ack").ok());
  std::vector<protocol::OutgoingMessage> first_chain;
  for (int i = 0; i < 1501; ++i) first_chain.push_back(p.send(p.alice, "x"));
  ASSERT_TRUE(p.receive(p.bob, first_chain.back()).ok());  // skips 1,500
  ASSERT_TRUE(p.to_alice("ratchet").ok());
  std::vector<protocol::OutgoingMessage> second_chain;
  for (int i = 0; i < 1501; ++i) second_chain.push_back(p.send(p.alice, "y"));
  ASSERT_TRUE(p.receive(p.bob, second_chain.back()).ok());  // skips 1,500 more
  EXPECT_EQ(text(p.receive(p.bob, first_chain.front()).value()), "x");
  EXPECT_EQ(text(p.receive(p.bob, second_chain.front()).value()), "y");
}

// At N + 1 skipped keys on one chain, that chain's oldest is evicted.
TYPED_TEST(SessionTest, SkippedKeysBeyondTheBoundEvictTheChainsOldest) {
  typename TestFixture::Pair p(10);
  ASSERT_TRUE(p.to_bob("setup").ok());
  ASSERT_TRUE(p.to_alice("ack").ok());
  std::vector<protocol::OutgoingMessage> burst;
  for (std::size_t i = 0; i < protocol::kMaxForwardJump + 1; ++i) burst.push_back(p.send(p.alice, "z"));
  ASSERT_TRUE(p.receive(p.bob, burst[protocol::kMaxForwardJump]).ok());  // 2000 skipped: at the bound
  ASSERT_TRUE(p.receive(p.bob, burst[0]).ok());
  std::vector<protocol::OutgoingMessage> more;
  for (int i = 0; i < 3; ++i) more.push_back(p.send(p.alice, "w"));
  ASSERT_TRUE(p.receive(p.bob, more.back()).ok());  // 2 more skipped: 2001 held, the oldest goes
  EXPECT_EQ(p.receive(p.bob, burst[1]).code(), Errc::duplicate_message);
  EXPECT_TRUE(p.receive(p.bob, burst[2]).ok());
}

TYPED_TEST(SessionTest, TheOtherLayoutIsRejectedWithoutEffect) {
  typename TestFixture::Pair p(11);
  ASSERT_TRUE(p.to_bob("setup").ok());
  const typename TestFixture::OtherCodec other;
  auto m = send_with(other, p.bob, "the other layout").value();
  const auto before = p.alice.record;
  EXPECT_FALSE(p.receive(p.alice, m).ok());
  EXPECT_EQ(p.alice.record, before);
}

// --- Laws (RapidCheck, once per layout) ---------------------------------------------------------

// Any permutation of a burst decrypts every message exactly once, and a replay of any is rejected.
TYPED_TEST(SessionTest, AnyDeliveryOrderDecryptsOnce) {
  EXPECT_TRUE(rc::check("any delivery order decrypts once", [] {
    typename TestFixture::Pair p(*rc::gen::arbitrary<std::uint64_t>());
    RC_ASSERT(p.to_bob("setup").ok());
    RC_ASSERT(p.to_alice("ack").ok());
    const auto n = *rc::gen::inRange<std::size_t>(1, 40);
    std::vector<std::pair<std::string, protocol::OutgoingMessage>> sent;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string t = "m" + std::to_string(i);
      sent.emplace_back(t, p.send(p.alice, t));
    }
    const auto order = *rc::gen::unique<std::vector<std::size_t>>(n, rc::gen::inRange<std::size_t>(0, n));
    for (std::size_t i : order) {
      auto r = p.receive(p.bob, sent[i].second);
      RC_ASSERT(r.ok());
      RC_ASSERT(text(*r) == sent[i].first);
    }
    const auto again = *rc::gen::inRange<std::size_t>(0, n);
    RC_ASSERT(p.receive(p.bob, sent[again].second).code() == Errc::duplicate_message);
  }));
}

// Any single-bit change (the version byte, the framing, padding or the MAC) is rejected and leaves
// the receiver's record unchanged.
TYPED_TEST(SessionTest, TamperingIsRejectedWithoutEffect) {
  EXPECT_TRUE(rc::check("tampering is rejected without effect", [] {
    typename TestFixture::Pair p(*rc::gen::arbitrary<std::uint64_t>());
    RC_ASSERT(p.to_bob("setup").ok());
    auto m = p.send(p.bob, "payload");
    const auto bit = *rc::gen::inRange<std::size_t>(0, m.wire.size() * 8);
    m.wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    const auto before = p.alice.record;
    RC_ASSERT(!p.receive(p.alice, m).ok());
    RC_ASSERT(p.alice.record == before);
  }));
}

// Spec §5.5's receive budget: a forged message (a fresh ratchet key, the largest jump, a MAC that
// fails) tried on the current session and every archived one costs at most kMaxReceiveWork chain
// steps in all; without the budget it would cost a DH step and a full walk in each of the 41.
TYPED_TEST(SessionTest, AForgedMessageCostsAtMostOneBudgetAcrossTheArchive) {
  typename TestFixture::Pair p(31);
  ASSERT_TRUE(p.to_bob("hello").ok());
  ASSERT_TRUE(p.to_alice("hi").ok());
  auto record = p.bob.record;
  for (std::size_t i = 0; i < protocol::kMaxArchivedSessions; ++i) record.archived.push_back(*record.current);
  protocol::ReceivedSignalMessage forged;
  forged.fields.ratchet_key = crypto::generate_x25519_key_pair(p.entropy).value().public_key;
  forged.fields.counter = protocol::kMaxForwardJump;
  forged.fields.ciphertext.assign(48, 0x5a);
  forged.mac_input.assign(64, 0xa5);

  protocol::ReceiveBudget budget;
  EXPECT_FALSE(protocol::plan_receive(record, forged, p.entropy, &budget).ok());
  const auto spent = protocol::kMaxReceiveWork - budget.remaining;
  EXPECT_LE(spent, protocol::kMaxReceiveWork);
  EXPECT_GT(spent, 0u);
  // What the budget saves: the same message with no bound walks every session.
  protocol::ReceiveBudget unbounded{UINT32_MAX};
  EXPECT_FALSE(protocol::plan_receive(record, forged, p.entropy, &unbounded).ok());
  EXPECT_EQ(UINT32_MAX - unbounded.remaining,
            (protocol::kMaxArchivedSessions + 1) * (protocol::kMaxForwardJump + 1 + protocol::kDhStepWork));
}

// The budget leaves honest traffic alone: a late message of an archived session (the peer's, after a
// simultaneous initiation replaced it) at the largest jump still decrypts after the current session
// refused it.
TYPED_TEST(SessionTest, AnArchivedSessionsLateMessageStillDecryptsWithinTheBudget) {
  typename TestFixture::Pair p(32);
  ASSERT_TRUE(p.to_bob("hello").ok());
  ASSERT_TRUE(p.to_alice("hi").ok());
  std::vector<protocol::OutgoingMessage> late;
  for (std::uint32_t i = 0; i <= protocol::kMaxForwardJump; ++i) late.push_back(p.send(p.alice, "late"));
  // Bob starts a session of his own (a new X3DH run): the old one is archived.
  auto bundle = bundle_of(p.alice, false);
  ASSERT_TRUE(protocol::start_session(p.bob.record, *p.bob.keys.identity_key, p.bob.keys.registration, bundle, p.entropy).ok());
  ASSERT_EQ(p.bob.record.archived.size(), 1u);
  auto read = p.receive(p.bob, late.back());
  ASSERT_TRUE(read.ok()) << core::to_string(read.error());
  EXPECT_EQ(text(*read), "late");
}

// Random conversations with random loss converge once a message gets through in each direction.
TYPED_TEST(SessionTest, LossyConversationConverges) {
  EXPECT_TRUE(rc::check("a lossy conversation converges", [] {
    typename TestFixture::Pair p(*rc::gen::arbitrary<std::uint64_t>());
    RC_ASSERT(p.to_bob("setup").ok());
    const auto steps = *rc::gen::container<std::vector<std::pair<bool, bool>>>(rc::gen::arbitrary<std::pair<bool, bool>>());
    for (auto [from_alice, delivered] : steps) {
      Device& from = from_alice ? p.alice : p.bob;
      Device& to = from_alice ? p.bob : p.alice;
      auto m = p.send(from, "x");
      if (delivered) RC_ASSERT(p.receive(to, m).ok());
    }
    RC_ASSERT(text(p.to_bob("final a").value()) == "final a");
    RC_ASSERT(text(p.to_alice("final b").value()) == "final b");
  }));
}

}  // namespace
}  // namespace parley::testing
