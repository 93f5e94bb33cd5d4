// The incremental primitives media encryption streams through (spec §12.3) agree with the
// whole-message ones for any split of the input.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/core/hex.h"
#include "parley/crypto/base64.h"
#include "parley/crypto/cbc_stream.h"
#include "parley/crypto/cipher.h"
#include "parley/crypto/hmac.h"
#include "test_util.h"

namespace parley::crypto {
namespace {

using testing::counting_bytes;

const core::Bytes kKey = counting_bytes(32);
const core::Bytes kIv = counting_bytes(16, 16);

RC_GTEST_PROP(HmacSha256Stream, EqualsOneShotForAnySplit, (const std::vector<std::uint8_t>& data, std::size_t cut)) {
  const std::size_t split = cut % (data.size() + 1);
  HmacSha256 mac(kKey);
  mac.update(core::BytesView(data).first(split));
  mac.update(core::BytesView(data).subspan(split));
  RC_ASSERT(mac.final() == hmac_sha256(kKey, data));
  RC_ASSERT(mac.final() == hmac_sha256(kKey, {}));  // final() starts over under the same key
}

// Whole blocks through the stream, in two pieces, equal the padded one-shot cipher's output
// without its last (padding) block.
RC_GTEST_PROP(Aes256CbcStream, EncryptsAndDecryptsLikeTheOneShotCipher,
              (const std::vector<std::uint8_t>& seed, std::size_t cut)) {
  core::Bytes plain(seed.size() / 16 * 16);
  std::copy_n(seed.begin(), plain.size(), plain.begin());
  const std::size_t split = (cut % (plain.size() / 16 + 1)) * 16;

  const core::Bytes padded_ct = aes256_cbc_encrypt(kKey, kIv, plain).value();
  auto enc = Aes256CbcStream::start(Aes256CbcStream::Direction::encrypt, kKey, kIv).value();
  core::Bytes buf = plain;
  RC_ASSERT(enc.process(std::span(buf).first(split)).ok());
  RC_ASSERT(enc.process(std::span(buf).subspan(split)).ok());
  RC_ASSERT(buf == core::Bytes(padded_ct.begin(), padded_ct.end() - 16));

  auto dec = Aes256CbcStream::start(Aes256CbcStream::Direction::decrypt, kKey, kIv).value();
  RC_ASSERT(dec.process(std::span(buf).first(split)).ok());
  RC_ASSERT(dec.process(std::span(buf).subspan(split)).ok());
  RC_ASSERT(buf == plain);
}

TEST(Aes256CbcStream, PartialBlocksAndBadSizesAreTyped) {
  auto enc = Aes256CbcStream::start(Aes256CbcStream::Direction::encrypt, kKey, kIv).value();
  core::Bytes odd(17);
  EXPECT_EQ(enc.process(odd).code(), core::Errc::malformed);
  EXPECT_EQ(odd, core::Bytes(17));  // nothing was processed
  EXPECT_EQ(Aes256CbcStream::start(Aes256CbcStream::Direction::encrypt, core::Bytes(31), kIv).code(),
            core::Errc::malformed);
  EXPECT_EQ(Aes256CbcStream::start(Aes256CbcStream::Direction::decrypt, kKey, core::Bytes(15)).code(),
            core::Errc::malformed);
}

// RFC 4648 §10's strings, in the URL-safe alphabet without padding.
TEST(Base64Url, Rfc4648AndTheUrlSafeCharacters) {
  EXPECT_EQ(base64url_unpadded({}), "");
  EXPECT_EQ(base64url_unpadded(core::as_bytes("f")), "Zg");
  EXPECT_EQ(base64url_unpadded(core::as_bytes("fo")), "Zm8");
  EXPECT_EQ(base64url_unpadded(core::as_bytes("foo")), "Zm9v");
  EXPECT_EQ(base64url_unpadded(core::as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64url_unpadded(core::from_hex("fbff").value()), "-_8");
}

}  // namespace
}  // namespace parley::crypto
