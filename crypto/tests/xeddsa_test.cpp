#include "parley/crypto/xeddsa.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/crypto/ed25519.h"
#include "test_util.h"

namespace parley::crypto {
namespace {

using core::Errc;
using testing::counting_bytes;
using testing::hex;

// The group order L, little-endian.
const core::Bytes kOrderL = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

X25519KeyPair key_pair(std::uint8_t start) { return x25519_key_pair_from_private(counting_bytes(32, start)).value(); }

TEST(Xeddsa, ReproducesLibsignalSignature) {
  const core::SecretBytes priv(hex("0000000000000000bd0000000000000000000000000000000000000000000040"));
  auto sig = xeddsa_sign(priv, core::Bytes(200, 0), core::Bytes(64, 0));
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(core::to_hex(*sig),
            "cf873d0379ac20e8893e5567ee0f8951f8db840d26b243b463526689d01ca718ac189fb1678574ebdde569330659448b0bd6c"
            "1973f7d780ab39518626803d782");
}

RC_GTEST_PROP(Xeddsa, SignedMessagesVerifyAndAnyBitFlipIsRejected, (const std::vector<std::uint8_t>& message)) {
  const auto start = *rc::gen::arbitrary<std::uint8_t>();
  const auto pair = key_pair(start);
  const auto sig = xeddsa_sign(pair.private_key, message, counting_bytes(64, start)).value();
  RC_ASSERT(xeddsa_verify(pair.public_key, message, sig).ok());

  auto forged = sig;
  const auto bit = *rc::gen::inRange<std::size_t>(0, 512);
  forged[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  RC_ASSERT(xeddsa_verify(pair.public_key, message, forged).code() == Errc::bad_signature);
}

TEST(Xeddsa, BothEdwardsSignBitsOccurAndVerify) {
  // Keys whose Edwards image has the sign bit set are what libsignal's bit-in-byte-63 trick is for.
  bool seen[2] = {false, false};
  for (std::uint8_t i = 0; i < 32 && !(seen[0] && seen[1]); ++i) {
    const auto pair = key_pair(i);
    const auto sig = xeddsa_sign(pair.private_key, core::as_bytes("m"), counting_bytes(64)).value();
    seen[sig[63] >> 7] = true;
    EXPECT_TRUE(xeddsa_verify(pair.public_key, core::as_bytes("m"), sig).ok());
  }
  EXPECT_TRUE(seen[0] && seen[1]);
}

TEST(Xeddsa, WrongMessageOrKeyIsRejected) {
  const auto a = key_pair(1), b = key_pair(2);
  const auto sig = xeddsa_sign(a.private_key, core::as_bytes("hello"), counting_bytes(64)).value();
  EXPECT_EQ(xeddsa_verify(a.public_key, core::as_bytes("hellp"), sig).code(), Errc::bad_signature);
  EXPECT_EQ(xeddsa_verify(b.public_key, core::as_bytes("hello"), sig).code(), Errc::bad_signature);
}

TEST(Xeddsa, NonCanonicalScalarIsRejected) {
  // s + L satisfies the group equation too; libsignal only checks the top bits, we require s < L.
  const auto pair = key_pair(7);
  auto sig = xeddsa_sign(pair.private_key, core::as_bytes("m"), counting_bytes(64)).value();
  const std::uint8_t sign_bit = sig[63] & 0x80;
  sig[63] &= 0x7f;
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = sig[32 + i] + kOrderL[i] + carry;
    sig[32 + i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(sig[63] & 0x80, 0);
  sig[63] |= sign_bit;
  EXPECT_EQ(xeddsa_verify(pair.public_key, core::as_bytes("m"), sig).code(), Errc::bad_signature);
}

TEST(Xeddsa, SmallOrderPublicKeyIsRejected) {
  // u = 0 maps to the Edwards point (0, -1) of order 2. With R = B and s = 1 the cofactorless
  // equation sB = R + hA holds whenever h is even, so a lenient verifier accepts about half of
  // these forgeries for arbitrary messages. A strict one accepts none.
  X25519PublicKey zero{};
  core::Bytes forged = hex("5866666666666666666666666666666666666666666666666666666666666666");
  forged.push_back(1);
  forged.resize(64, 0);
  for (std::uint8_t m = 0; m < 32; ++m) {
    const core::Bytes message{m};
    EXPECT_EQ(xeddsa_verify(zero, message, forged).code(), Errc::bad_signature) << int(m);
  }
}

TEST(Ed25519, IdentityPublicKeyForgeryIsRejected) {
  // With A the identity, R = B and s = 1 satisfy sB = R + hA for every message.
  EdwardsPublicKey identity{};
  identity[0] = 1;
  core::Bytes forged = hex("5866666666666666666666666666666666666666666666666666666666666666");
  forged.push_back(1);
  forged.resize(64, 0);
  EXPECT_EQ(ed25519_verify(identity, core::as_bytes("anything"), forged).code(), Errc::bad_signature);
}

TEST(Xeddsa, MalformedInputsAreTyped) {
  const auto pair = key_pair(3);
  EXPECT_EQ(xeddsa_verify(pair.public_key, {}, core::Bytes(63)).code(), Errc::malformed);
  EXPECT_EQ(xeddsa_sign(pair.private_key, {}, core::Bytes(63)).code(), Errc::malformed);
  EXPECT_EQ(xeddsa_sign(core::SecretBytes(core::Bytes(31)), {}, core::Bytes(64)).code(), Errc::bad_key);
  ScriptedEntropy short_entropy(core::Bytes(10));
  EXPECT_EQ(xeddsa_sign(pair.private_key, {}, short_entropy).code(), Errc::entropy_exhausted);
}

TEST(MontgomeryToEdwards, MinusOneHasNoImage) {
  std::array<std::uint8_t, 32> minus_one{};
  minus_one.fill(0xff);
  minus_one[0] = 0xec;
  minus_one[31] = 0x7f;
  EXPECT_EQ(montgomery_to_edwards(minus_one, false).code(), Errc::bad_key);
}

TEST(MontgomeryToEdwards, BasePointMapsToEd25519BasePoint) {
  std::array<std::uint8_t, 32> nine{};
  nine[0] = 9;
  EXPECT_EQ(core::to_hex(montgomery_to_edwards(nine, false).value()),
            "5866666666666666666666666666666666666666666666666666666666666666");
}

}  // namespace
}  // namespace parley::crypto

namespace parley::crypto {
namespace {

RC_GTEST_PROP(XeddsaPrepared, PreparedKeysAgreeWithOneShot, (const std::vector<std::uint8_t>& message)) {
  const auto start = *rc::gen::arbitrary<std::uint8_t>();
  const auto pair = key_pair(start);
  const auto random = counting_bytes(64, start);
  const auto signing = make_xeddsa_signing_key(pair.private_key).value();
  const auto sig = xeddsa_sign(signing, message, random).value();
  RC_ASSERT(sig == xeddsa_sign(pair.private_key, message, random).value());
  const auto verifying = make_xeddsa_verifying_key(pair.public_key).value();
  RC_ASSERT(xeddsa_verify(verifying, message, sig).ok());
  auto forged = sig;
  forged[63] ^= 0x80;  // the other Edwards point
  RC_ASSERT(xeddsa_verify(verifying, message, forged).code() == core::Errc::bad_signature);
}

}  // namespace
}  // namespace parley::crypto
