// CipherState rules the vector files do not exercise (noise-notes §5): the reserved nonce, the
// message limit, a bad tag that must not advance n, rekey, and SetNonce only moving forward.
#include <gtest/gtest.h>

#include "parley/transport/noise/cipher_state.h"
#include "parley/transport/noise/limits.h"

namespace parley::transport::noise {
namespace {

using core::Errc;

struct Pair {
  CipherState sender;
  CipherState receiver;
};

Pair keyed_pair(crypto::Aead aead) {
  core::Key32 key;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  Pair p{CipherState(aead), CipherState(aead)};
  p.sender.initialize_key(key);
  p.receiver.initialize_key(key);
  return p;
}

class CipherStateTest : public ::testing::TestWithParam<crypto::Aead> {};

TEST_P(CipherStateTest, WithoutKeyIsIdentity) {
  CipherState c(GetParam());
  const core::Bytes text{1, 2, 3};
  EXPECT_EQ(c.encrypt_with_ad({}, text).value(), text);
  EXPECT_EQ(c.decrypt_with_ad({}, text).value(), text);
  EXPECT_EQ(c.nonce(), 0u);
  EXPECT_EQ(c.rekey().code(), Errc::no_session);
}

TEST_P(CipherStateTest, RoundTripAdvancesNonce) {
  auto [s, r] = keyed_pair(GetParam());
  for (std::uint64_t i = 0; i < 3; ++i) {
    const core::Bytes text(static_cast<std::size_t>(i * 7), 0x42);
    auto sealed = s.encrypt_with_ad(core::as_bytes("ad"), text);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), text.size() + kTagLength);
    EXPECT_EQ(r.decrypt_with_ad(core::as_bytes("ad"), *sealed).value(), text);
  }
  EXPECT_EQ(s.nonce(), 3u);
  EXPECT_EQ(r.nonce(), 3u);
}

TEST_P(CipherStateTest, BadTagDoesNotAdvanceNonce) {
  auto [s, r] = keyed_pair(GetParam());
  auto sealed = s.encrypt_with_ad({}, core::as_bytes("hello")).value();
  auto forged = sealed;
  forged.back() ^= 1;
  const CipherState before = r;
  EXPECT_EQ(r.decrypt_with_ad({}, forged).code(), Errc::decrypt_failed);
  EXPECT_EQ(r, before);
  EXPECT_EQ(r.decrypt_with_ad(core::as_bytes("other ad"), sealed).code(), Errc::decrypt_failed);
  EXPECT_EQ(r.decrypt_with_ad({}, core::BytesView(sealed).first(kTagLength - 1)).code(),
            Errc::decrypt_failed);
  EXPECT_EQ(r.decrypt_with_ad({}, sealed).value(), core::to_bytes(core::as_bytes("hello")));
}

TEST_P(CipherStateTest, MessageLimitAtNAndNPlusOne) {
  auto [s, r] = keyed_pair(GetParam());
  const core::Bytes largest(kMaxPlaintextLength, 0);
  auto sealed = s.encrypt_with_ad({}, largest);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), kMaxMessageLength);
  EXPECT_EQ(r.decrypt_with_ad({}, *sealed).value(), largest);

  const core::Bytes too_large(kMaxPlaintextLength + 1, 0);
  EXPECT_EQ(s.encrypt_with_ad({}, too_large).code(), Errc::limit_exceeded);
  EXPECT_EQ(r.decrypt_with_ad({}, core::Bytes(kMaxMessageLength + 1, 0)).code(), Errc::limit_exceeded);
  EXPECT_EQ(s.nonce(), 1u);
}

TEST_P(CipherStateTest, ReservedNonceIsExhaustion) {
  auto [s, r] = keyed_pair(GetParam());
  ASSERT_TRUE(s.set_nonce(kMaxNonce - 1).ok());
  ASSERT_TRUE(r.set_nonce(kMaxNonce - 1).ok());
  auto last = s.encrypt_with_ad({}, core::as_bytes("last"));
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(r.decrypt_with_ad({}, *last).ok());
  EXPECT_EQ(s.nonce(), kMaxNonce);
  EXPECT_EQ(s.encrypt_with_ad({}, core::as_bytes("one more")).code(), Errc::limit_exceeded);
  EXPECT_EQ(r.decrypt_with_ad({}, *last).code(), Errc::limit_exceeded);
  EXPECT_EQ(s.nonce(), kMaxNonce);
}

TEST_P(CipherStateTest, NonceNeverMovesBackwards) {
  auto [s, r] = keyed_pair(GetParam());
  ASSERT_TRUE(s.set_nonce(10).ok());
  EXPECT_EQ(s.set_nonce(9).code(), Errc::malformed);
  EXPECT_EQ(s.nonce(), 10u);
}

TEST_P(CipherStateTest, RekeyOnBothSidesInteroperates) {
  auto [s, r] = keyed_pair(GetParam());
  ASSERT_TRUE(r.decrypt_with_ad({}, s.encrypt_with_ad({}, core::as_bytes("a")).value()).ok());
  ASSERT_TRUE(s.rekey().ok());
  ASSERT_TRUE(r.rekey().ok());
  EXPECT_EQ(s.nonce(), 1u);  // rekey changes k only
  EXPECT_EQ(r.decrypt_with_ad({}, s.encrypt_with_ad({}, core::as_bytes("b")).value()).value(),
            core::to_bytes(core::as_bytes("b")));
}

TEST_P(CipherStateTest, RekeyOnOneSideBreaksDecryption) {
  auto [s, r] = keyed_pair(GetParam());
  const CipherState original = s;
  ASSERT_TRUE(s.rekey().ok());
  EXPECT_NE(s, original);
  EXPECT_EQ(r.decrypt_with_ad({}, s.encrypt_with_ad({}, core::as_bytes("x")).value()).code(),
            Errc::decrypt_failed);
  ASSERT_TRUE(r.rekey().ok());
  ASSERT_TRUE(r.set_nonce(1).ok());
  EXPECT_TRUE(r.decrypt_with_ad({}, s.encrypt_with_ad({}, core::as_bytes("y")).value()).ok());
}

INSTANTIATE_TEST_SUITE_P(Ciphers, CipherStateTest,
                         ::testing::Values(crypto::Aead::aes256_gcm, crypto::Aead::chacha20_poly1305),
                         [](const ::testing::TestParamInfo<crypto::Aead>& param_info) {
                           return param_info.param == crypto::Aead::aes256_gcm ? "AESGCM" : "ChaChaPoly";
                         });

}  // namespace
}  // namespace parley::transport::noise
