// Known answers: RFC 7693 appendices (BLAKE2b-512 and BLAKE2s-256 of "abc"), RFC 4231 test case 2
// (HMAC-SHA512). HMAC-BLAKE2 is covered end to end by the cacophony Noise vectors.
#include "parley/crypto/noise_hashes.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/crypto/hmac.h"
#include "test_util.h"

namespace parley::crypto {
namespace {

using testing::hex;

TEST(NoiseHashes, Lengths) {
  EXPECT_EQ(hash_length(NoiseHash::sha256), 32u);
  EXPECT_EQ(hash_length(NoiseHash::blake2s), 32u);
  EXPECT_EQ(hash_length(NoiseHash::sha512), 64u);
  EXPECT_EQ(hash_length(NoiseHash::blake2b), 64u);
  EXPECT_EQ(block_length(NoiseHash::sha256), 64u);
  EXPECT_EQ(block_length(NoiseHash::blake2s), 64u);
  EXPECT_EQ(block_length(NoiseHash::sha512), 128u);
  EXPECT_EQ(block_length(NoiseHash::blake2b), 128u);
}

TEST(NoiseHashes, Blake2sOfAbc) {
  EXPECT_EQ(noise_hash(NoiseHash::blake2s, {core::as_bytes("abc")}),
            hex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"));
}

TEST(NoiseHashes, Blake2bOfAbc) {
  EXPECT_EQ(noise_hash(NoiseHash::blake2b, {core::as_bytes("abc")}),
            hex("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"));
}

TEST(NoiseHashes, PartsAreConcatenated) {
  EXPECT_EQ(noise_hash(NoiseHash::sha256, {core::as_bytes("a"), core::as_bytes(""), core::as_bytes("bc")}),
            noise_hash(NoiseHash::sha256, {core::as_bytes("abc")}));
}

TEST(NoiseHashes, HmacSha512Rfc4231Case2) {
  EXPECT_EQ(
      noise_hmac(NoiseHash::sha512, core::as_bytes("Jefe"), core::as_bytes("what do ya want for nothing?")),
      hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
          "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"));
}

// The generic RFC 2104 construction agrees with Botan's HMAC-SHA256, keys longer than a block
// (hashed first) included.
RC_GTEST_PROP(NoiseHashes, GenericHmacMatchesBotan, (const core::Bytes& key, const core::Bytes& data)) {
  const auto botan = hmac_sha256(key, data);
  RC_ASSERT(noise_hmac(NoiseHash::sha256, key, data) == core::Bytes(botan.begin(), botan.end()));
}

}  // namespace
}  // namespace parley::crypto
