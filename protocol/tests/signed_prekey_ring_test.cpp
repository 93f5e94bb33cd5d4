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
  SignedPreKeyRing ring{key(1), 1000, {}};
  EXPECT_FALSE(rotation_due(ring, 1000 + kSignedPreKeyRotationIntervalMs - 1));
  EXPECT_TRUE(rotation_due(ring, 1000 + kSignedPreKeyRotationIntervalMs));
}

TEST(SignedPreKeyRing, ARetiredKeyServesUntilItsGraceEndsInclusive) {
  SignedPreKeyRing ring{key(1), 0, {}};
  const std::uint64_t t = 5000;
  ASSERT_TRUE(rotate(ring, key(2), t).ok());
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{2}, t)->id.value, 2u);
  EXPECT_NE(find_signed_prekey(ring, SignedPreKeyId{1}, t + kSignedPreKeyGracePeriodMs), nullptr);
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{1}, t + kSignedPreKeyGracePeriodMs + 1), nullptr);
  EXPECT_EQ(find_signed_prekey(ring, SignedPreKeyId{3}, t), nullptr);
}

// A message can wait on the server longer than one rotation interval: every key replaced within the
// grace period still serves, not only the last one (the ring used to drop it at the second rotation).
TEST(SignedPreKeyRing, EveryKeyRetiredWithinTheGracePeriodServes) {
  SignedPreKeyRing ring{key(1), 0, {}};
  std::uint64_t t = 0;
  for (std::uint32_t id = 2; id <= 10; ++id) ASSERT_TRUE(rotate(ring, key(id), t += kSignedPreKeyRotationIntervalMs).ok());
  for (std::uint32_t id = 1; id <= 10; ++id) EXPECT_NE(find_signed_prekey(ring, SignedPreKeyId{id}, t), nullptr) << id;
}

TEST(SignedPreKeyRing, ExpireDropsExactlyTheKeysPastTheirGrace) {
  SignedPreKeyRing ring{key(1), 0, {}};
  std::uint64_t t = 0;
  for (std::uint32_t id = 2; id <= 40; ++id) ASSERT_TRUE(rotate(ring, key(id), t += kSignedPreKeyRotationIntervalMs).ok());
  const auto gone = expire(ring, t);
  // Key k was retired at (k) intervals: past its grace when t > k * interval + grace.
  for (const auto id : gone) EXPECT_GT(t, id.value * kSignedPreKeyRotationIntervalMs + kSignedPreKeyGracePeriodMs);
  for (const auto& r : ring.retired) EXPECT_LE(t, r.retired_ms + kSignedPreKeyGracePeriodMs);
  EXPECT_FALSE(gone.empty());
  EXPECT_LE(ring.retired.size() + 1, kMaxSignedPreKeys);
  EXPECT_TRUE(expire(ring, t).empty());  // nothing twice
}

TEST(SignedPreKeyRing, ReusedIdIsMalformedAndChangesNothing) {
  SignedPreKeyRing ring{key(1), 0, {}};
  ASSERT_TRUE(rotate(ring, key(2), 10).ok());
  ASSERT_TRUE(rotate(ring, key(3), 20).ok());
  const auto before = ring;
  EXPECT_EQ(rotate(ring, key(1), 30).code(), core::Errc::malformed);
  EXPECT_EQ(rotate(ring, key(2), 30).code(), core::Errc::malformed);
  EXPECT_EQ(rotate(ring, key(3), 30).code(), core::Errc::malformed);
  EXPECT_EQ(ring, before);
}

}  // namespace
}  // namespace parley::protocol
