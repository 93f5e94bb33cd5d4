// AeadKey: the RFC vectors through a keyed object, a reused key agreeing with a fresh one at every
// length around the block and update boundaries, failures that hand out nothing and do not spoil
// the key, and value semantics (copies re-key from the stored key; == sees the key, not Botan).
#include "parley/crypto/aead_key.h"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>

#include "parley/crypto/cipher.h"
#include "test_util.h"

namespace parley::crypto {
namespace {

using core::Errc;
using testing::counting_bytes;
using testing::hex;

const core::Key32 kKey(counting_bytes(32));

core::Bytes nonce_for(std::uint8_t i) { return counting_bytes(kAeadNonceSize, i); }

class AeadKeyTest : public ::testing::TestWithParam<Aead> {};

// RFC 8439 §2.8.2 and the GCM specification's test case 16 (McGrew and Viega; AES-256, 96-bit IV).
TEST(AeadKeyVectors, RfcKnownAnswers) {
  struct Vector {
    Aead aead;
    std::string_view key, nonce, ad, plaintext, sealed;
  };
  const Vector vectors[] = {
      {Aead::chacha20_poly1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
       "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
       "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a20496620492063"
       "6f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
       "637265656e20776f756c642062652069742e",
       "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
       "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
       "3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd0600691"},
      {Aead::aes256_gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
       "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
       "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
       "b16aedf5aa0de657ba637b39",
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
       "c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"},
  };
  for (const auto& v : vectors) {
    AeadKey key(v.aead, core::Key32(hex(v.key)));
    EXPECT_EQ(core::to_hex(key.seal(hex(v.nonce), hex(v.ad), hex(v.plaintext)).value()), v.sealed);
    EXPECT_EQ(core::to_hex(key.open(hex(v.nonce), hex(v.ad), hex(v.sealed)).value()), v.plaintext);
  }
}

// One key object and one output buffer for every message, as a CipherState uses them, against a
// fresh key per message (aead_seal): lengths around the 16-byte block and Botan's update size.
TEST_P(AeadKeyTest, ReusedKeyAgreesWithAFreshKeyAtEveryLength) {
  AeadKey sealer(GetParam(), kKey);
  AeadKey opener(GetParam(), kKey);
  core::Bytes sealed, opened;
  std::uint8_t i = 0;
  for (std::size_t size :
       {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1024, 65519}) {
    const core::Bytes plaintext = counting_bytes(size, static_cast<std::uint8_t>(size));
    const core::Bytes ad = counting_bytes(i % 3 == 0 ? 0 : 32, i);  // empty and not, alternately
    const core::Bytes nonce = nonce_for(i++);
    ASSERT_TRUE(sealer.seal(nonce, ad, plaintext, sealed).ok());
    EXPECT_EQ(sealed, aead_seal(GetParam(), kKey.view(), nonce, ad, plaintext).value()) << size;
    ASSERT_TRUE(opener.open(nonce, ad, sealed, opened).ok()) << size;
    EXPECT_EQ(opened, plaintext) << size;
  }
}

TEST_P(AeadKeyTest, AssociatedDataIsNotRemembered) {
  AeadKey key(GetParam(), kKey);
  ASSERT_TRUE(key.seal(nonce_for(0), core::as_bytes("x"), {}).ok());
  EXPECT_EQ(key.seal(nonce_for(0), {}, {}).value(),
            aead_seal(GetParam(), kKey.view(), nonce_for(0), {}, {}).value());
}

TEST_P(AeadKeyTest, WrongTagIsDecryptFailedAndHandsOutNothing) {
  AeadKey sealer(GetParam(), kKey);
  AeadKey opener(GetParam(), kKey);
  const core::Bytes plaintext = counting_bytes(100);
  const core::Bytes sealed = sealer.seal(nonce_for(1), {}, plaintext).value();
  core::Bytes out = counting_bytes(7);
  for (std::size_t bit : {std::size_t{0}, std::size_t{8 * 50 + 3}, std::size_t{8 * 99 + 7},
                          std::size_t{8 * 100}, 8 * sealed.size() - 1}) {
    core::Bytes forged = sealed;
    forged[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_EQ(opener.open(nonce_for(1), {}, forged, out).code(), Errc::decrypt_failed) << bit;
    EXPECT_TRUE(out.empty());
  }
  EXPECT_EQ(opener.open(nonce_for(2), {}, sealed, out).code(), Errc::decrypt_failed);
  EXPECT_EQ(opener.open(nonce_for(1), core::as_bytes("ad"), sealed, out).code(), Errc::decrypt_failed);
  EXPECT_EQ(opener.open(nonce_for(1), {}, core::BytesView(sealed).first(kAeadTagSize - 1), out).code(),
            Errc::decrypt_failed);
  // The failures did not spoil the key: the genuine message still opens.
  ASSERT_TRUE(opener.open(nonce_for(1), {}, sealed, out).ok());
  EXPECT_EQ(out, plaintext);
}

TEST_P(AeadKeyTest, BadNonceLengthIsMalformed) {
  AeadKey key(GetParam(), kKey);
  EXPECT_EQ(key.seal(core::Bytes(8), {}, {}).code(), Errc::malformed);
  EXPECT_EQ(key.open(core::Bytes(16), {}, core::Bytes(32)).code(), Errc::malformed);
}

TEST_P(AeadKeyTest, CopiesRekeyFromTheStoredKey) {
  AeadKey used(GetParam(), kKey);
  const core::Bytes first = used.seal(nonce_for(0), {}, core::as_bytes("first")).value();  // keys Botan
  AeadKey copy = used;
  EXPECT_EQ(copy, used);
  EXPECT_EQ(copy.aead(), GetParam());
  const core::Bytes again = copy.seal(nonce_for(0), {}, core::as_bytes("first")).value();
  EXPECT_EQ(again, first);
  EXPECT_EQ(copy.open(nonce_for(0), {}, first).value(), core::to_bytes(core::as_bytes("first")));

  AeadKey assigned(GetParam(), core::Key32(counting_bytes(32, 1)));
  EXPECT_NE(assigned, used);
  assigned = used;
  EXPECT_EQ(assigned, used);
  EXPECT_EQ(assigned.seal(nonce_for(0), {}, core::as_bytes("first")).value(), first);

  // Copies are independent: using one leaves the other as it was.
  AeadKey original(GetParam(), kKey);
  AeadKey second = original;
  ASSERT_TRUE(second.seal(nonce_for(3), {}, core::as_bytes("x")).ok());
  EXPECT_EQ(original.seal(nonce_for(0), {}, core::as_bytes("first")).value(), first);

  AeadKey moved = std::move(original);
  EXPECT_EQ(moved.seal(nonce_for(0), {}, core::as_bytes("first")).value(), first);
  // NOLINTNEXTLINE(bugprone-use-after-move): the documented use after a move
  EXPECT_EQ(original.seal(nonce_for(0), {}, {}).code(), Errc::internal);
}

TEST(AeadKeyEquality, ComparesAlgorithmAndKey) {
  EXPECT_EQ(AeadKey(Aead::aes256_gcm, kKey), AeadKey(Aead::aes256_gcm, kKey));
  EXPECT_NE(AeadKey(Aead::aes256_gcm, kKey), AeadKey(Aead::chacha20_poly1305, kKey));
  EXPECT_NE(AeadKey(Aead::aes256_gcm, kKey), AeadKey(Aead::aes256_gcm, core::Key32(counting_bytes(32, 1))));
}

INSTANTIATE_TEST_SUITE_P(Ciphers, AeadKeyTest, ::testing::Values(Aead::aes256_gcm, Aead::chacha20_poly1305),
                         [](const ::testing::TestParamInfo<Aead>& param_info) {
                           return param_info.param == Aead::aes256_gcm ? "AESGCM" : "ChaChaPoly";
                         });

}  // namespace
}  // namespace parley::crypto
