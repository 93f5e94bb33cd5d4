// Known answers below were computed with an independent implementation (pyca/cryptography);
// the RFC vectors run through parley-conformance (tests/data/rfc).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/crypto/cipher.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/hkdf.h"
#include "parley/crypto/hmac.h"
#include "test_util.h"

namespace parley::crypto {
namespace {

using core::Errc;
using testing::counting_bytes;
using testing::hex;

const core::Bytes kKey = counting_bytes(32);
const core::Bytes kNonce = counting_bytes(12, 100);
const core::Bytes kIv = counting_bytes(16, 16);
const std::string_view kText = "The quick brown fox jumps over the lazy dog";

TEST(Hash, Sha256OfAbc) {
  EXPECT_EQ(core::to_hex(sha256(core::as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

RC_GTEST_PROP(Hash, IncrementalSha256EqualsOneShot, (const std::vector<std::uint8_t>& data, std::size_t cut)) {
  const std::size_t split = cut % (data.size() + 1);
  Sha256 h;
  h.update(core::BytesView(data).first(split));
  h.update(core::BytesView(data).subspan(split));
  RC_ASSERT(h.final() == sha256(data));
  RC_ASSERT(h.final() == sha256({}));  // final() starts over
}

TEST(Hash, Sha512OfEmpty) {
  EXPECT_EQ(core::to_hex(sha512({})),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd4741"
            "7a81a538327af927da3e");
}

TEST(Hmac, VerifyAcceptsTruncatedTagAndRejectsAnyChange) {
  const auto mac = hmac_sha256(kKey, core::as_bytes(kText));
  EXPECT_TRUE(hmac_sha256_verify(kKey, core::as_bytes(kText), core::BytesView(mac.data(), 8)).ok());
  EXPECT_TRUE(hmac_sha256_verify(kKey, core::as_bytes(kText), mac).ok());
  auto bad = mac;
  bad[7] ^= 1;
  EXPECT_EQ(hmac_sha256_verify(kKey, core::as_bytes(kText), core::BytesView(bad.data(), 8)).code(),
            Errc::decrypt_failed);
  EXPECT_EQ(hmac_sha256_verify(kKey, core::as_bytes(kText), {}).code(), Errc::malformed);
}

TEST(Hkdf, RefusesLengthsItCannotProduce) {
  EXPECT_EQ(hkdf_sha256(kKey, {}, {}, 0).code(), Errc::malformed);
  EXPECT_EQ(hkdf_sha256(kKey, {}, {}, kHkdfSha256MaxLength + 1).code(), Errc::limit_exceeded);
  auto max = hkdf_sha256(kKey, {}, {}, kHkdfSha256MaxLength);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), kHkdfSha256MaxLength);
}

TEST(Hkdf, PrefixProperty) {
  // HKDF output of length n is the prefix of the output of length m > n.
  auto a = hkdf_sha256(kKey, kIv, core::as_bytes("WhisperText"), 64).value();
  auto b = hkdf_sha256(kKey, kIv, core::as_bytes("WhisperText"), 80).value();
  EXPECT_TRUE(std::equal(a.view().begin(), a.view().end(), b.view().begin()));
}

TEST(AesCbc, KnownAnswerAndRoundTrip) {
  auto ct = aes256_cbc_encrypt(kKey, kIv, core::as_bytes(kText));
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(core::to_hex(*ct),
            "b746e4f1bce2352d20440b8a2e0eb8fd68c1fcd0d00fcac779ecaadacde7e51a41da205eac66749510362db1c9f3e6d5");
  auto pt = aes256_cbc_decrypt(kKey, kIv, *ct);
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(*pt, core::to_bytes(core::as_bytes(kText)));
}

TEST(AesCbc, BadPaddingAndBadLengthsAreTyped) {
  auto ct = aes256_cbc_encrypt(kKey, kIv, core::as_bytes(kText)).value();
  ct.back() ^= 0x01;  // corrupts the padding of the last block
  EXPECT_EQ(aes256_cbc_decrypt(kKey, kIv, ct).code(), Errc::decrypt_failed);
  EXPECT_EQ(aes256_cbc_decrypt(kKey, kIv, core::Bytes(15)).code(), Errc::decrypt_failed);
  EXPECT_EQ(aes256_cbc_decrypt(kKey, kIv, core::Bytes{}).code(), Errc::decrypt_failed);
  EXPECT_EQ(aes256_cbc_encrypt(core::Bytes(31), kIv, {}).code(), Errc::malformed);
  EXPECT_EQ(aes256_cbc_encrypt(kKey, core::Bytes(15), {}).code(), Errc::malformed);
}

TEST(Aead, KnownAnswers) {
  const auto ad = core::as_bytes("parley ad");
  EXPECT_EQ(core::to_hex(aead_seal(Aead::aes256_gcm, kKey, kNonce, ad, core::as_bytes(kText)).value()),
            "1c73bb46089c3ffd55423d9ab51204dd24ad7e2ae1199e02d4f1c33e9ed1853cfc8c60ac2d68e224999c1f63c0975a6e6e636eb1"
            "6bbe4fc71bcbf8");
  EXPECT_EQ(core::to_hex(aead_seal(Aead::chacha20_poly1305, kKey, kNonce, ad, core::as_bytes(kText)).value()),
            "6079deeae9d01f3190fe770d9dfeb6b316a9ea14f52586ddb51f99c49f40ec87a2dc928cce403353fb80ad226f57fd22e63c7e34"
            "a2f86ea50411ee");
}

TEST(Aead, EmptyAssociatedDataIsNotRemembered) {
  // Botan keeps the last associated data on a mode object; every call must set its own.
  for (Aead aead : {Aead::aes256_gcm, Aead::chacha20_poly1305}) {
    auto with_ad = aead_seal(aead, kKey, kNonce, core::as_bytes("x"), {}).value();
    auto without = aead_seal(aead, kKey, kNonce, {}, {}).value();
    EXPECT_NE(with_ad, without);
  }
}

RC_GTEST_PROP(Aead, TamperingAnyBitIsDecryptFailed, (const std::vector<std::uint8_t>& plaintext, bool chacha)) {
  const Aead aead = chacha ? Aead::chacha20_poly1305 : Aead::aes256_gcm;
  const auto ad = core::as_bytes("ad");
  auto ct = aead_seal(aead, kKey, kNonce, ad, plaintext).value();
  RC_ASSERT(aead_open(aead, kKey, kNonce, ad, ct).value() == plaintext);
  const auto bit = *rc::gen::inRange<std::size_t>(0, ct.size() * 8);
  ct[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  RC_ASSERT(aead_open(aead, kKey, kNonce, ad, ct).code() == Errc::decrypt_failed);
}

TEST(Aead, ShortOrWrongInputsAreTyped) {
  EXPECT_EQ(aead_open(Aead::aes256_gcm, kKey, kNonce, {}, core::Bytes(15)).code(), Errc::decrypt_failed);
  EXPECT_EQ(aead_open(Aead::aes256_gcm, kKey, core::Bytes(8), {}, core::Bytes(16)).code(), Errc::malformed);
  EXPECT_EQ(aead_seal(Aead::chacha20_poly1305, core::Bytes(16), kNonce, {}, {}).code(), Errc::malformed);
}

TEST(Entropy, ScriptedReplaysThenFails) {
  ScriptedEntropy e(core::Bytes{1, 2, 3});
  core::Bytes two(2);
  ASSERT_TRUE(e.fill(two).ok());
  EXPECT_EQ(two, (core::Bytes{1, 2}));
  EXPECT_EQ(e.fill(two).code(), Errc::entropy_exhausted);
  core::Bytes one(1);
  ASSERT_TRUE(e.fill(one).ok());  // a failed fill consumed nothing
  EXPECT_EQ(one[0], 3);
}

TEST(Entropy, StreamReplaysFromItsSeedAcrossFillSizes) {
  StreamEntropy a(7), b(7), c(8);
  core::Bytes whole(100), parts(100), other(100);
  ASSERT_TRUE(a.fill(whole).ok());
  ASSERT_TRUE(b.fill(std::span(parts).subspan(0, 33)).ok());  // block boundaries do not matter
  ASSERT_TRUE(b.fill(std::span(parts).subspan(33)).ok());
  ASSERT_TRUE(c.fill(other).ok());
  EXPECT_EQ(whole, parts);
  EXPECT_NE(whole, other);
  // The first block is SHA-256 of the seed and counter 0, little-endian.
  core::Bytes input(16, 0);
  input[0] = 7;
  const auto block = sha256(input);
  EXPECT_TRUE(std::equal(block.begin(), block.end(), whole.begin()));
}

TEST(Entropy, SystemFillsDistinctBytes) {
  SystemEntropy e;
  core::Bytes a(32), b(32);
  ASSERT_TRUE(e.fill(a).ok());
  ASSERT_TRUE(e.fill(b).ok());
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace parley::crypto
