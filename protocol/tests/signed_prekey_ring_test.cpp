#include "parley/protocol/signed_prekey_ring.h"

#include <gtest/gtest.h>

namespace parley::protocol {
namespace {

SignedPreKey key(std::uint32_t id) {
  SignedPreKey k;
  k.id = SignedPreKeyId{id};
  return k;
}

TEST(SignedPreKeyRing, RotationDueAfterInterval) {
  SignedPreKeyRing ring{key(1), 1000, std::nullopt, 0};
  EXPECT_FALSE(rotation_due(ring, 1000 + kSignedPreKeyRotationIntervalMs - 1));
  EXPECT_TRUE(rotation_due(ring, 1000 + kSignedPreKeyRotationIntervalMs));
}

TEST(SignedPreKeyRing, PreviousKeyServesUntilGraceEndsInclusive) {
  SignedPreKeyRing ring{key(1), 0, std::nullopt, 0};
  const std::uint64_t t = 5000;
  ASSERT_TRUE(rotate(ring, key(2), t).ok());
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{2}, t)->id.value, 2u);
  EXPECT_NE(find_signed_prekey(ring, SignedPreKeyId{1}, t + kSignedPreKeyGracePeriodMs), nullptr);
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{1}, t + kSignedPreKeyGracePeriodMs + 1), nullptr);
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{3}, t), nullptr);
}

TEST(SignedPreKeyRing, SecondRotationDropsTheOldest) {
  SignedPreKeyRing ring{key(1), 0, std::nullopt, 0};
  ASSERT_TRUE(rotate(ring, key(2), 10).ok());
  ASSERT_TRUE(rotate(ring, key(3), 20).ok());
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{1}, 20), nullptr);
  EXPECT_NE(find_signed_prekey(ring, SignedPreKeyId{2}, 20), nullptr);
}

TEST(SignedPreKeyRing, ReusedIdIsMalformedAndChangesNothing) {
  SignedPreKeyRing ring{key(1), 0, std::nullopt, 0};
  ASSERT_TRUE(rotate(ring, key(2), 10).ok());
  const auto before = ring;
  EXPECT_EQ(rotate(ring, key(1), 20).code(), core::Errc::malformed);
  EXPECT_EQ(rotate(ring, key(2), 20).code(), core::Errc::malformed);
  EXPECT_EQ(ring, before);
}

}  // namespace
}  // namespace parley::protocol
