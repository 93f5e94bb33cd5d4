#include "parley/crypto/x25519.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "test_util.h"

namespace parley::crypto {
namespace {

using core::Errc;
using testing::counting_bytes;
using testing::hex;

X25519PublicKey key_from_hex(std::string_view s) {
  X25519PublicKey k;
  auto b = hex(s);
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

TEST(X25519, GeneratedKeysAreClampedAndReplayable) {
  ScriptedEntropy e1(core::Bytes(32, 0xff)), e2(core::Bytes(32, 0xff));
  auto a = generate_x25519_key_pair(e1).value();
  auto b = generate_x25519_key_pair(e2).value();
  EXPECT_EQ(a.private_key[0] & 7, 0);
  EXPECT_EQ(a.private_key[31] & 0x80, 0);
  EXPECT_EQ(a.private_key[31] & 0x40, 0x40);
  EXPECT_EQ(a.public_key, b.public_key);
}

TEST(X25519, GenerationFailsWhenEntropyRunsOut) {
  ScriptedEntropy e(core::Bytes(31));
  EXPECT_EQ(generate_x25519_key_pair(e).code(), Errc::entropy_exhausted);
}

RC_GTEST_PROP(X25519, AgreementIsSymmetric, ()) {
  const auto seed_a = *rc::gen::container<std::vector<std::uint8_t>>(32, rc::gen::arbitrary<std::uint8_t>());
  const auto seed_b = *rc::gen::container<std::vector<std::uint8_t>>(32, rc::gen::arbitrary<std::uint8_t>());
  auto a = x25519_key_pair_from_private(seed_a).value();
  auto b = x25519_key_pair_from_private(seed_b).value();
  RC_ASSERT(x25519_agree(a.private_key, b.public_key).value() == x25519_agree(b.private_key, a.public_key).value());
}

TEST(X25519, SmallOrderPeerKeysAreRejected) {
  auto pair = x25519_key_pair_from_private(counting_bytes(32)).value();
  for (auto u : {"0000000000000000000000000000000000000000000000000000000000000000",
                 "0100000000000000000000000000000000000000000000000000000000000000",
                 "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                 "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
    EXPECT_EQ(x25519_agree(pair.private_key, key_from_hex(u)).code(), Errc::bad_key) << u;
  }
}

TEST(X25519, SerializationHasTypeByte) {
  auto pair = x25519_key_pair_from_private(counting_bytes(32)).value();
  auto s = serialize_public_key(pair.public_key);
  ASSERT_EQ(s.size(), kSerializedPublicKeySize);
  EXPECT_EQ(s[0], kDjbKeyType);
  EXPECT_EQ(parse_public_key(s).value(), pair.public_key);
}

TEST(X25519, ParseRejectsWrongTypeByteAndLength) {
  auto s = serialize_public_key(X25519PublicKey{});
  s[0] = 0x06;
  EXPECT_EQ(parse_public_key(s).code(), Errc::bad_key);
  EXPECT_EQ(parse_public_key(core::Bytes(32, 5)).code(), Errc::bad_key);
  EXPECT_EQ(parse_public_key(core::Bytes(34, 5)).code(), Errc::bad_key);
  EXPECT_EQ(parse_public_key({}).code(), Errc::bad_key);
}

TEST(X25519, WrongPrivateKeyLengthIsBadKey) {
  EXPECT_EQ(x25519_key_pair_from_private(core::Bytes(31)).code(), Errc::bad_key);
  EXPECT_EQ(x25519_agree(core::SecretBytes(core::Bytes(33)), X25519PublicKey{9}).code(), Errc::bad_key);
}

}  // namespace
}  // namespace parley::crypto
