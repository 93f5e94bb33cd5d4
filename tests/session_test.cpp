// Sessions end to end through the libsignal codec: examples and RapidCheck laws (spec §5: pairwise
// sessions). A failed receive must leave the record exactly as it was.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "parley/protocol/limits.h"
#include "session_fixture.h"

namespace parley::testing {
namespace {

using core::Errc;
using protocol::MessageType;

struct Pair {
  StreamEntropy entropy;
  Device alice, bob;
  explicit Pair(std::uint64_t seed, bool one_time = true)
      : entropy(seed), alice(make_device(entropy, 1)), bob(make_device(entropy, 2)) {
    auto started = protocol::start_session(alice.record, *alice.keys.identity_key, alice.keys.registration,
                                           bundle_of(bob, one_time), entropy);
    EXPECT_TRUE(started.ok());
  }
};

std::string text(const core::Bytes& b) { return {b.begin(), b.end()}; }

TEST(Session, PrekeyMessagesUntilFirstReplyThenWhisper) {
  Pair p(1);
  auto m1 = send(p.alice, "hello");
  auto m2 = send(p.alice, "again");
  EXPECT_EQ(m1.type, MessageType::prekey);
  EXPECT_EQ(m2.type, MessageType::prekey);
  EXPECT_EQ(text(receive(p.bob, m1, p.entropy).value()), "hello");
  EXPECT_TRUE(p.bob.keys.one_time_prekeys.empty());  // consumed once the first message authenticated
  EXPECT_EQ(text(receive(p.bob, m2, p.entropy).value()), "again");  // same base key: same session
  auto reply = send(p.bob, "hi");
  EXPECT_EQ(reply.type, MessageType::whisper);
  EXPECT_EQ(text(receive(p.alice, reply, p.entropy).value()), "hi");
  EXPECT_EQ(send(p.alice, "now whisper").type, MessageType::whisper);
}

TEST(Session, ForgedFirstMessageBurnsNoPrekey) {
  Pair p(2);
  auto m1 = send(p.alice, "hello");
  auto forged = m1;
  forged.wire[forged.wire.size() - 20] ^= 0x01;  // inside the inner message's MAC-covered bytes
  const auto before = p.bob.record;
  EXPECT_FALSE(receive(p.bob, forged, p.entropy).ok());
  EXPECT_EQ(p.bob.keys.one_time_prekeys.size(), 1u);
  EXPECT_EQ(p.bob.record, before);
  EXPECT_EQ(text(receive(p.bob, m1, p.entropy).value()), "hello");
}

TEST(Session, UnknownPrekeyIsTyped) {
  Pair p(3);
  auto m1 = send(p.alice, "hello");
  p.bob.keys.one_time_prekeys.clear();
  EXPECT_EQ(receive(p.bob, m1, p.entropy).code(), Errc::unknown_prekey);
}

TEST(Session, WithoutOneTimePrekey) {
  Pair p(4, /*one_time=*/false);
  EXPECT_EQ(text(receive(p.bob, send(p.alice, "x"), p.entropy).value()), "x");
  EXPECT_EQ(p.bob.keys.one_time_prekeys.size(), 1u);
}

TEST(Session, DuplicateIsRejected) {
  Pair p(5);
  ASSERT_TRUE(receive(p.bob, send(p.alice, "a"), p.entropy).ok());
  auto reply = send(p.bob, "b");
  ASSERT_TRUE(receive(p.alice, reply, p.entropy).ok());
  EXPECT_EQ(receive(p.alice, reply, p.entropy).code(), Errc::duplicate_message);
}

TEST(Session, TooFarAheadIsRejectedAtLimitPlusOne) {
  Pair p(6);
  ASSERT_TRUE(receive(p.bob, send(p.alice, "a"), p.entropy).ok());
  ASSERT_TRUE(receive(p.alice, send(p.bob, "b"), p.entropy).ok());
  // Counters 0 .. kMaxForwardJump: the last is exactly at the limit and decrypts.
  std::vector<protocol::OutgoingMessage> burst;
  for (std::uint32_t i = 0; i <= protocol::kMaxForwardJump + 1; ++i) burst.push_back(send(p.alice, "m"));
  EXPECT_EQ(receive(p.bob, burst[protocol::kMaxForwardJump + 1], p.entropy).code(), Errc::too_far_in_future);
  EXPECT_TRUE(receive(p.bob, burst[protocol::kMaxForwardJump], p.entropy).ok());
  EXPECT_TRUE(receive(p.bob, burst[protocol::kMaxForwardJump + 1], p.entropy).ok());
}

TEST(Session, NoSessionIsTyped) {
  Device d;
  EXPECT_EQ(protocol::session_encrypt(d.record, {}, wire::LibsignalCodec{}).code(), Errc::no_session);
}

// Any permutation of a burst decrypts every message exactly once, and a replay of any is rejected.
RC_GTEST_PROP(SessionLaws, AnyDeliveryOrderDecryptsOnce, ()) {
  Pair p(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(receive(p.bob, send(p.alice, "setup"), p.entropy).ok());
  RC_ASSERT(receive(p.alice, send(p.bob, "ack"), p.entropy).ok());
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  std::vector<std::pair<std::string, protocol::OutgoingMessage>> sent;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string t = "m" + std::to_string(i);
    sent.emplace_back(t, send(p.alice, t));
  }
  const auto order = *rc::gen::unique<std::vector<std::size_t>>(n, rc::gen::inRange<std::size_t>(0, n));
  for (std::size_t i : order) {
    auto r = receive(p.bob, sent[i].second, p.entropy);
    RC_ASSERT(r.ok());
    RC_ASSERT(text(*r) == sent[i].first);
  }
  const auto again = *rc::gen::inRange<std::size_t>(0, n);
  RC_ASSERT(receive(p.bob, sent[again].second, p.entropy).code() == Errc::duplicate_message);
}

// Any single-bit change is rejected and leaves the receiver's record unchanged.
RC_GTEST_PROP(SessionLaws, TamperingIsRejectedWithoutEffect, ()) {
  Pair p(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(receive(p.bob, send(p.alice, "setup"), p.entropy).ok());
  auto m = send(p.bob, "payload");
  const auto bit = *rc::gen::inRange<std::size_t>(0, m.wire.size() * 8);
  m.wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  const auto before = p.alice.record;
  RC_ASSERT(!receive(p.alice, m, p.entropy).ok());
  RC_ASSERT(p.alice.record == before);
}

// Random conversations with random loss converge once a message gets through in each direction.
RC_GTEST_PROP(SessionLaws, LossyConversationConverges, ()) {
  Pair p(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(receive(p.bob, send(p.alice, "setup"), p.entropy).ok());
  const auto steps = *rc::gen::container<std::vector<std::pair<bool, bool>>>(rc::gen::arbitrary<std::pair<bool, bool>>());
  for (auto [from_alice, delivered] : steps) {
    Device& from = from_alice ? p.alice : p.bob;
    Device& to = from_alice ? p.bob : p.alice;
    auto m = send(from, "x");
    if (delivered) RC_ASSERT(receive(to, m, p.entropy).ok());
  }
  RC_ASSERT(text(receive(p.bob, send(p.alice, "final a"), p.entropy).value()) == "final a");
  RC_ASSERT(text(receive(p.alice, send(p.bob, "final b"), p.entropy).value()) == "final b");
}

}  // namespace
}  // namespace parley::testing

namespace parley::testing {
namespace {

// The skipped-key bound is per receiver chain (libsignal's): skipping 1,500 on each of two chains
// keeps the first chain's oldest key.
TEST(Session, SkippedKeyBoundIsPerChain) {
  Pair p(9);
  ASSERT_TRUE(receive(p.bob, send(p.alice, "setup"), p.entropy).ok());
  ASSERT_TRUE(receive(p.alice, send(p.bob, "ack"), p.entropy).ok());
  std::vector<protocol::OutgoingMessage> first_chain;
  for (int i = 0; i < 1501; ++i) first_chain.push_back(send(p.alice, "x"));
  ASSERT_TRUE(receive(p.bob, first_chain.back(), p.entropy).ok());  // skips 1,500
  ASSERT_TRUE(receive(p.alice, send(p.bob, "ratchet"), p.entropy).ok());
  std::vector<protocol::OutgoingMessage> second_chain;
  for (int i = 0; i < 1501; ++i) second_chain.push_back(send(p.alice, "y"));
  ASSERT_TRUE(receive(p.bob, second_chain.back(), p.entropy).ok());  // skips 1,500 more
  EXPECT_EQ(text(receive(p.bob, first_chain.front(), p.entropy).value()), "x");
  EXPECT_EQ(text(receive(p.bob, second_chain.front(), p.entropy).value()), "y");
}

// At N + 1 skipped keys on one chain, that chain's oldest is evicted.
TEST(Session, SkippedKeysBeyondTheBoundEvictTheChainsOldest) {
  Pair p(10);
  ASSERT_TRUE(receive(p.bob, send(p.alice, "setup"), p.entropy).ok());
  ASSERT_TRUE(receive(p.alice, send(p.bob, "ack"), p.entropy).ok());
  std::vector<protocol::OutgoingMessage> burst;
  for (std::size_t i = 0; i < protocol::kMaxForwardJump + 1; ++i) burst.push_back(send(p.alice, "z"));
  ASSERT_TRUE(receive(p.bob, burst[protocol::kMaxForwardJump], p.entropy).ok());  // 2000 skipped: at the bound
  ASSERT_TRUE(receive(p.bob, burst[0], p.entropy).ok());
  std::vector<protocol::OutgoingMessage> more;
  for (int i = 0; i < 3; ++i) more.push_back(send(p.alice, "w"));
  ASSERT_TRUE(receive(p.bob, more.back(), p.entropy).ok());  // 2 more skipped: 2001 held, the oldest goes
  EXPECT_EQ(receive(p.bob, burst[1], p.entropy).code(), core::Errc::duplicate_message);
  EXPECT_TRUE(receive(p.bob, burst[2], p.entropy).ok());
}

}  // namespace
}  // namespace parley::testing
