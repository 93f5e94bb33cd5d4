// Sessions run entirely on Parley's Cap'n Proto wire (spec §5.7): the same conversations as
// tests/session_test.cpp, which uses the libsignal layout, decrypt the same way.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "capnp_fixture.h"
#include "parley/protocol/limits.h"

namespace parley::testing {
namespace {

using core::Errc;
using protocol::MessageType;

std::string text(const core::Bytes& b) { return {b.begin(), b.end()}; }

TEST(CapnpSession, PrekeyMessagesUntilFirstReplyThenWhisper) {
  CapnpPair p(1);
  ASSERT_TRUE(p.started);
  auto m1 = send_with(capnp_codec, p.alice, "hello").value();
  auto m2 = send_with(capnp_codec, p.alice, "again").value();
  EXPECT_EQ(m1.type, MessageType::prekey);
  EXPECT_EQ(text(receive_with(capnp_codec, p.bob, m1, p.entropy).value()), "hello");
  EXPECT_TRUE(p.bob.keys.one_time_prekeys.empty());
  EXPECT_EQ(text(receive_with(capnp_codec, p.bob, m2, p.entropy).value()), "again");
  auto reply = send_with(capnp_codec, p.bob, "hi").value();
  EXPECT_EQ(reply.type, MessageType::whisper);
  EXPECT_EQ(text(receive_with(capnp_codec, p.alice, reply, p.entropy).value()), "hi");
  EXPECT_EQ(send_with(capnp_codec, p.alice, "now whisper").value().type, MessageType::whisper);
}

TEST(CapnpSession, LongConversationWithRatchetStepsAndGaps) {
  CapnpPair p(2);
  ASSERT_TRUE(p.to_bob("setup").ok());
  for (int round = 0; round < 20; ++round) {
    // A burst each way, the middle message delivered last.
    std::vector<protocol::OutgoingMessage> burst;
    for (int i = 0; i < 3; ++i)
      burst.push_back(send_with(capnp_codec, p.alice, "a" + std::to_string(i)).value());
    for (int i : {0, 2, 1})
      EXPECT_EQ(text(receive_with(capnp_codec, p.bob, burst[i], p.entropy).value()), "a" + std::to_string(i));
    EXPECT_EQ(text(p.to_alice("b" + std::to_string(round)).value()), "b" + std::to_string(round));
  }
  EXPECT_EQ(p.bob.record.current->skipped.size(), 0u);
  EXPECT_EQ(p.alice.record.current->receivers.size(), protocol::kMaxReceiverChains);
}

TEST(CapnpSession, ForgedFirstMessageBurnsNoPrekey) {
  CapnpPair p(3);
  auto m1 = send_with(capnp_codec, p.alice, "hello").value();
  auto forged = m1;
  forged.wire[forged.wire.size() - 20] ^= 0x01;  // inside the inner message's MAC-covered bytes
  const auto before = p.bob.record;
  EXPECT_FALSE(receive_with(capnp_codec, p.bob, forged, p.entropy).ok());
  EXPECT_EQ(p.bob.keys.one_time_prekeys.size(), 1u);
  EXPECT_EQ(p.bob.record, before);
  EXPECT_EQ(text(receive_with(capnp_codec, p.bob, m1, p.entropy).value()), "hello");
}

TEST(CapnpSession, TheOtherLayoutIsRejectedWithoutEffect) {
  CapnpPair p(4);
  ASSERT_TRUE(p.to_bob("setup").ok());
  const wire::LibsignalCodec libsignal;
  auto m = send_with(libsignal, p.bob, "libsignal layout").value();
  const auto before = p.alice.record;
  EXPECT_EQ(receive_with(capnp_codec, p.alice, m, p.entropy).code(), Errc::malformed);
  EXPECT_EQ(p.alice.record, before);
}

// Any permutation of a burst decrypts every message exactly once, and a replay of any is rejected.
RC_GTEST_PROP(CapnpSessionLaws, AnyDeliveryOrderDecryptsOnce, ()) {
  CapnpPair p(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(p.to_bob("setup").ok());
  RC_ASSERT(p.to_alice("ack").ok());
  const auto n = *rc::gen::inRange<std::size_t>(1, 30);
  std::vector<std::pair<std::string, protocol::OutgoingMessage>> sent;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string t = "m" + std::to_string(i);
    sent.emplace_back(t, send_with(capnp_codec, p.alice, t).value());
  }
  const auto order = *rc::gen::unique<std::vector<std::size_t>>(n, rc::gen::inRange<std::size_t>(0, n));
  for (std::size_t i : order) {
    auto r = receive_with(capnp_codec, p.bob, sent[i].second, p.entropy);
    RC_ASSERT(r.ok());
    RC_ASSERT(text(*r) == sent[i].first);
  }
  const auto again = *rc::gen::inRange<std::size_t>(0, n);
  RC_ASSERT(receive_with(capnp_codec, p.bob, sent[again].second, p.entropy).code() ==
            Errc::duplicate_message);
}

// Any single-bit change, in the version byte, the Cap'n Proto framing, padding or the MAC, is
// rejected and leaves the receiver's record unchanged.
RC_GTEST_PROP(CapnpSessionLaws, TamperingIsRejectedWithoutEffect, ()) {
  CapnpPair p(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(p.to_bob("setup").ok());
  auto m = send_with(capnp_codec, p.bob, "payload").value();
  const auto bit = *rc::gen::inRange<std::size_t>(0, m.wire.size() * 8);
  m.wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  const auto before = p.alice.record;
  RC_ASSERT(!receive_with(capnp_codec, p.alice, m, p.entropy).ok());
  RC_ASSERT(p.alice.record == before);
}

}  // namespace
}  // namespace parley::testing
