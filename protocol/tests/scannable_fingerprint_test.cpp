// The scannable safety number (spec §8.7): libsignal's bytes reproduced, both sides' codes match
// crosswise, another key does not, and every bad scan is a typed error.
#include "parley/protocol/scannable_fingerprint.h"

#include <gtest/gtest.h>

#include "parley/core/hex.h"

namespace parley::protocol {
namespace {

using core::Errc;

crypto::X25519PublicKey key(std::uint64_t seed) {
  crypto::StreamEntropy e(seed);
  return crypto::generate_x25519_key_pair(e).value().public_key;
}

crypto::X25519PublicKey parse_key(std::string_view hex) { return crypto::parse_public_key(core::from_hex(hex).value()).value(); }

constexpr std::uint32_t kFew = 50;  // iterations for the tests that do not reproduce a published value

// signalapp/libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1 (the same keys and ids
// as tests/data/external/fingerprint.json) and fingerprint_test_v2 (only the version byte differs).
TEST(ScannableFingerprint, ReproducesLibsignalsVersion1And2Vectors) {
  const FingerprintSide alice{"+14152222222", parse_key("0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868")};
  const FingerprintSide bob{"+14153333333", parse_key("05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b")};
  const std::string a = "1e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df";
  const std::string b = "d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d";
  EXPECT_EQ(core::to_hex(scannable_fingerprint(alice, bob)), "080112220a20" + a + "1a220a20" + b);
  EXPECT_EQ(core::to_hex(scannable_fingerprint(bob, alice)), "080112220a20" + b + "1a220a20" + a);
  EXPECT_EQ(core::to_hex(scannable_fingerprint(alice, bob, kFingerprintIterations, 2)), "080212220a20" + a + "1a220a20" + b);
  EXPECT_EQ(scannable_fingerprint(alice, bob).size(), kScannableFingerprintSize);
}

TEST(ScannableFingerprint, BothSidesMatchCrosswiseAndNeverTheirOwnCode) {
  const auto alice_id = account_stable_id(1), bob_id = account_stable_id(2);
  const FingerprintSide alice{alice_id, key(1)}, bob{bob_id, key(2)};
  const auto alices_code = scannable_fingerprint(alice, bob, kFew);
  const auto bobs_code = scannable_fingerprint(bob, alice, kFew);
  EXPECT_EQ(compare_scannable(alice, bob, bobs_code, kFew).value(), true);
  EXPECT_EQ(compare_scannable(bob, alice, alices_code, kFew).value(), true);
  // A code read back by the one who shows it is not a match (libsignal checks the same).
  EXPECT_EQ(compare_scannable(alice, bob, alices_code, kFew).value(), false);
}

TEST(ScannableFingerprint, AnotherKeyOrIdOnEitherSideDoesNotMatch) {
  const auto alice_id = account_stable_id(1), bob_id = account_stable_id(2), mallory_id = account_stable_id(3);
  const FingerprintSide alice{alice_id, key(1)}, bob{bob_id, key(2)};
  // Someone in the middle: Alice holds Mallory's key for Bob.
  const auto bobs_code = scannable_fingerprint(bob, alice, kFew);
  EXPECT_EQ(compare_scannable(alice, {bob_id, key(3)}, bobs_code, kFew).value(), false);
  // Bob holds another key for Alice.
  EXPECT_EQ(compare_scannable(alice, bob, scannable_fingerprint(bob, {alice_id, key(4)}, kFew), kFew).value(), false);
  EXPECT_EQ(compare_scannable(alice, {mallory_id, key(2)}, bobs_code, kFew).value(), false);
  EXPECT_EQ(compare_scannable(alice, bob, scannable_fingerprint(bob, alice, kFew + 1), kFew).value(), false);
}

TEST(ScannableFingerprint, ParsesWhatItEncodesAndNothingElse) {
  const FingerprintSide alice{"1", key(1)}, bob{"2", key(2)};
  const auto code = scannable_fingerprint(alice, bob, kFew);
  const auto parsed = parse_scannable(code);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->version, kScannableFingerprintVersion);
  EXPECT_EQ(encode_scannable(*parsed), code);

  auto expect_error = [&](core::Bytes bytes, Errc expected, const char* what) {
    const auto r = compare_scannable(alice, bob, bytes, kFew);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.code(), expected) << what;
  };
  expect_error({}, Errc::malformed, "empty");
  for (std::size_t n = 1; n < code.size(); ++n)
    expect_error(core::Bytes(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(n)), Errc::malformed, "truncated");
  auto longer = code;
  longer.push_back(0);
  expect_error(longer, Errc::malformed, "a trailing byte");
  expect_error(core::Bytes(74, 0x5a), Errc::malformed, "garbage");
  auto swapped = code;
  std::swap(swapped[2], swapped[2 + 36]);  // remote field first
  expect_error(swapped, Errc::malformed, "fields out of order");
  auto short_content = code;
  short_content[3] = 0x21;  // a LogicalFingerprint one byte longer than it is
  expect_error(short_content, Errc::malformed, "wrong length");
  auto overlong = code;
  overlong[1] = 0x81;
  overlong.insert(overlong.begin() + 2, 0x00);  // version 1 as a non-minimal two-byte varint
  expect_error(overlong, Errc::malformed, "non-minimal varint");
  expect_error({0x08, 0xff, 0xff, 0xff, 0xff, 0x1f}, Errc::malformed, "a varint over 32 bits");

  auto v2 = code;
  v2[1] = 0x02;
  expect_error(v2, Errc::unsupported_version, "version 2");
  expect_error({0x08, 0x00}, Errc::unsupported_version, "version 0, whatever follows");
  expect_error(scannable_fingerprint(bob, alice, kFew, 300), Errc::unsupported_version, "a two-byte version");
}

}  // namespace
}  // namespace parley::protocol
