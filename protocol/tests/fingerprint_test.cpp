// Safety numbers (spec §8.7): the same 60 digits from either side, different for another key or
// another id, and stable for an account whatever its companions (they are not part of it).
#include "parley/protocol/fingerprint.h"

#include <gtest/gtest.h>

namespace parley::protocol {
namespace {

crypto::X25519PublicKey key(std::uint64_t seed) {
  crypto::StreamEntropy e(seed);
  return crypto::generate_x25519_key_pair(e).value().public_key;
}

TEST(SafetyNumber, IsTheSameFromBothSidesAndChangesWithEitherKeyOrId) {
  const auto alice_id = account_stable_id(1001), bob_id = account_stable_id(2002);
  const FingerprintSide alice{alice_id, key(1)}, bob{bob_id, key(2)};
  const auto n = safety_number(alice, bob, 100);
  EXPECT_EQ(n.size(), 60u);
  EXPECT_EQ(n.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(safety_number(bob, alice, 100), n);
  EXPECT_NE(safety_number(alice, {bob_id, key(3)}, 100), n);  // Bob's account key replaced
  const auto other_id = account_stable_id(2003);
  EXPECT_NE(safety_number(alice, {other_id, key(2)}, 100), n);
  EXPECT_NE(safety_number(alice, bob, 101), n);
  EXPECT_EQ(account_stable_id(42), "42");
}

}  // namespace
}  // namespace parley::protocol
