#include "parley/crypto/xeddsa.h"

#include <gtest/gtest.h>

#include "parley/core/hex.h"

namespace parley::crypto {
namespace {

core::Bytes hex(std::string_view s) { return core::from_hex(s).value(); }

TEST(XeddsaTest, ReproducesLibsignalSignature) {
  const core::SecretBytes priv(hex("0000000000000000bd0000000000000000000000000000000000000000000040"));
  const core::Bytes message(200, 0);
  const core::Bytes random(64, 0);
  auto sig = xeddsa_sign(priv, message, random);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(core::to_hex(*sig),
            "cf873d0379ac20e8893e5567ee0f8951f8db840d26b243b463526689d01ca718ac189fb1678574ebdde569330659448b0bd6c"
            "1973f7d780ab39518626803d782");
}

}  // namespace
}  // namespace parley::crypto
