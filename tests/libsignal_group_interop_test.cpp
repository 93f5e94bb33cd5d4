// Live interop of the group cipher with libsignal-protocol-c (spec §11.1), through Parley's codec for
// that library's older layout (no distribution id; its key id is the chain id): each side's
// distribution message is processed by the other, and each side's group messages, delivered out
// of order, decrypt on the other with the plaintext sent; a replay is a duplicate on both, and a
// message with a changed byte is refused by both.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/group_cipher.h"
#include "parley/testing/libsignal_c_peer.h"
#include "parley/wire/sender_key_codec.h"

namespace parley::testing {
namespace {

using core::Errc;
namespace groups = protocol::groups;

// Parley's name for the one group's key; the older layout never carries it.
const groups::DistributionId kGroup{0x70, 0x61, 0x72, 0x6c, 0x65, 0x79, 0x2d, 0x67,
                                    0x72, 0x6f, 0x75, 0x70, 0x2d, 0x30, 0x30, 0x31};
constexpr std::size_t kMessages = 200;

core::Bytes text_of(std::size_t i) {
  const std::string s = "group message " + std::to_string(i) + std::string(i % 37, '.');
  return core::to_bytes(core::as_bytes(s));
}

// Parley's member: its own sender key, and its record of the libsignal-c peer's.
struct ParleyMember {
  const wire::LibsignalCSenderKeyCodec codec{kGroup};
  crypto::StreamEntropy entropy{11};
  groups::SenderKeyRecord own;
  std::optional<groups::SenderKeyRecord> peer;

  core::Bytes distribution() {
    auto d = groups::create_distribution(std::nullopt, kGroup, entropy).value();
    own = d.record;
    return codec.encode_distribution(d.message);
  }
  core::Bytes encrypt(core::BytesView plaintext) {
    auto e = groups::group_encrypt(own, kGroup, plaintext, codec, entropy).value();
    groups::apply(own, e.update);
    return e.message;
  }
  void process(core::BytesView wire) {
    auto m = codec.decode_distribution(wire).value();
    if (!peer) peer.emplace();
    groups::process_distribution(*peer, m);
  }
  core::Result<core::Bytes> decrypt(core::BytesView wire) {
    PARLEY_TRY(const auto message, codec.decode_message(wire));
    PARLEY_TRY(auto d, groups::group_decrypt(peer ? &*peer : nullptr, message));
    groups::apply(*peer, d.update);
    return std::move(d.plaintext);
  }
};

// Each message's index, in an order with long reorderings: what a group's fan-out may deliver.
std::vector<std::size_t> shuffled(std::size_t n, std::uint32_t seed) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

TEST(LibsignalGroupInterop, ParleysGroupMessagesDecryptInLibsignalCInAnyOrder) {
  ParleyMember parley;
  LibsignalCPeer peer(21);
  ASSERT_TRUE(peer.group_process_distribution(parley.distribution()).ok());
  std::vector<core::Bytes> sent;
  for (std::size_t i = 0; i < kMessages; ++i) sent.push_back(parley.encrypt(text_of(i)));
  for (const auto i : shuffled(kMessages, 1)) {
    auto got = peer.group_decrypt(sent[i]);
    ASSERT_TRUE(got.ok()) << i << ": " << core::to_string(got.error());
    EXPECT_EQ(*got, text_of(i));
  }
  EXPECT_EQ(peer.group_decrypt(sent[7]).code(), Errc::duplicate_message);
  auto bent = parley.encrypt(text_of(kMessages));
  bent[bent.size() / 2] ^= 0x04;
  EXPECT_FALSE(peer.group_decrypt(bent).ok());
}

TEST(LibsignalGroupInterop, LibsignalCsGroupMessagesDecryptInParleyInAnyOrder) {
  ParleyMember parley;
  LibsignalCPeer peer(22);
  const auto distribution = peer.group_distribution();
  ASSERT_TRUE(distribution.ok()) << core::to_string(distribution.error());
  parley.process(*distribution);
  std::vector<core::Bytes> sent;
  for (std::size_t i = 0; i < kMessages; ++i) {
    auto m = peer.group_encrypt(text_of(i));
    ASSERT_TRUE(m.ok()) << core::to_string(m.error());
    sent.push_back(*m);
  }
  for (const auto i : shuffled(kMessages, 2)) {
    auto got = parley.decrypt(sent[i]);
    ASSERT_TRUE(got.ok()) << i << ": " << core::to_string(got.error());
    EXPECT_EQ(*got, text_of(i));
  }
  // The older codec re-encodes what it decoded to the bytes libsignal-c signed.
  const auto decoded = parley.codec.decode_message(sent[0]).value();
  EXPECT_EQ(parley.codec.encode_message(decoded.fields), decoded.signed_bytes);
  EXPECT_EQ(parley.codec.encode_distribution(parley.codec.decode_distribution(*distribution).value()), *distribution);
  EXPECT_EQ(parley.decrypt(sent[7]).code(), Errc::duplicate_message);
  auto bent = peer.group_encrypt(text_of(kMessages)).value();
  bent[bent.size() - 1] ^= 0x01;  // the signature
  const auto before = *parley.peer;
  EXPECT_EQ(parley.decrypt(bent).code(), Errc::bad_signature);
  EXPECT_EQ(*parley.peer, before);  // the refused message changed nothing
}

TEST(LibsignalGroupInterop, BothSendToEachOtherInTheSameGroup) {
  ParleyMember parley;
  LibsignalCPeer peer(23);
  ASSERT_TRUE(peer.group_process_distribution(parley.distribution()).ok());
  parley.process(peer.group_distribution().value());
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(peer.group_decrypt(parley.encrypt(text_of(i))).value(), text_of(i));
    EXPECT_EQ(parley.decrypt(peer.group_encrypt(text_of(i + 1000)).value()).value(), text_of(i + 1000));
  }
}

}  // namespace
}  // namespace parley::testing
