#include "parley/protocol/padding.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace parley::protocol {
namespace {

RC_GTEST_PROP(Padding, RoundTripsWithOneToSixteenBytes, (const std::vector<std::uint8_t>& text, std::uint8_t r)) {
  crypto::ScriptedEntropy e(core::Bytes{r});
  const auto padded = pad_plaintext(text, e).value();
  const std::size_t n = padded.size() - text.size();
  RC_ASSERT(n >= 1u);
  RC_ASSERT(n <= kMaxPadding);
  RC_ASSERT(unpad_plaintext(padded).value() == text);
}

TEST(Padding, BadPaddingIsMalformed) {
  EXPECT_EQ(unpad_plaintext({}).code(), core::Errc::malformed);
  EXPECT_EQ(unpad_plaintext(core::Bytes{1, 0}).code(), core::Errc::malformed);
  EXPECT_EQ(unpad_plaintext(core::Bytes(17, 17)).code(), core::Errc::malformed);  // 17 > kMaxPadding
  EXPECT_EQ(unpad_plaintext(core::Bytes{3, 3}).code(), core::Errc::malformed);    // longer than input
  EXPECT_EQ(unpad_plaintext(core::Bytes{9, 2, 3, 3}).code(), core::Errc::malformed);
  EXPECT_EQ(unpad_plaintext(core::Bytes(16, 16)).value(), core::Bytes{});  // exactly the limit
}

TEST(Padding, NeedsOneByteOfEntropy) {
  crypto::ScriptedEntropy empty(core::Bytes{});
  EXPECT_EQ(pad_plaintext(core::Bytes{1}, empty).code(), core::Errc::entropy_exhausted);
}

}  // namespace
}  // namespace parley::protocol
