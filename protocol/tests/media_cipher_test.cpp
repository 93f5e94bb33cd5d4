// The media cipher of spec §12.1: a known answer from the external vectors, round trips for any
// size, type and chunking, and every way a file can be wrong, each check failing alone.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "parley/core/hex.h"
#include "parley/crypto/base64.h"
#include "parley/crypto/cipher.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"

namespace parley::protocol::media {
namespace {

core::Bytes hex(std::string_view h) { return core::from_hex(h).value(); }

MediaKeys keys_for(std::string_view type, std::uint8_t fill = 7) {
  return derive_media_keys(core::Bytes(32, fill), *media_hkdf_info(type)).value();
}

MediaExpectation expectation(const MediaSummary& s) { return {s.file_sha256, s.file_enc_sha256}; }

// Splits `data` into pieces at the given cut points (taken modulo the remaining length).
std::vector<core::BytesView> pieces(core::BytesView data, const std::vector<std::size_t>& cuts) {
  std::vector<core::BytesView> out;
  for (std::size_t cut : cuts) {
    if (data.empty()) break;
    const std::size_t n = cut % (data.size() + 1);
    out.push_back(data.first(n));
    data = data.subspan(n);
  }
  out.push_back(data);
  return out;
}

// The first case of ../shared/vectors/external/whatsapp-media.json (made by Baileys).
TEST(MediaCipher, ReproducesTheExternalImageCase) {
  const auto keys = derive_media_keys(hex("c55136e091d1c2911678888cab26f87fc6248dd52499aa4d72e82a73c711d3c9"),
                                      "WhatsApp Image Keys")
                        .value();
  const auto [file, summary] = encrypt_media(keys, hex("77"), true).value();
  EXPECT_EQ(core::to_hex(file), "9c5b27d61630e632af7ab7205ad623e349e0bf706e05601e08e4");
  EXPECT_EQ(core::to_hex(summary.file_sha256), "50e721e49c013f00c62cf59f2163542a9d8df02464efeb615d31051b0fddc326");
  EXPECT_EQ(core::to_hex(summary.file_enc_sha256),
            "0198a6cc90d289d4cc3772f25677b6fa707136f571da714dfe78442383d1cbb0");
  EXPECT_EQ(crypto::base64url_unpadded(summary.file_enc_sha256), "AZimzJDSidTMN3LyVne2-nBxNvVx2nFN_nhEI4PRy7A");
  EXPECT_EQ(core::to_hex(summary.sidecar), "f0d5f1bec60878c0e0f7");
  EXPECT_EQ(decrypt_media(keys, expectation(summary), file).value(), hex("77"));
}

TEST(MediaCipher, TheInfoTableHoldsEveryTypeOnce) {
  EXPECT_EQ(media_hkdf_info("ptt"), "WhatsApp Audio Keys");
  EXPECT_EQ(media_hkdf_info("md-app-state"), "WhatsApp App State Keys");
  EXPECT_EQ(media_hkdf_info("ppic"), std::nullopt);  // Baileys maps it to "", which we do not copy
  const auto names = media_type_names();
  EXPECT_EQ(names.size(), 17u);
  for (std::string_view name : names) EXPECT_TRUE(media_hkdf_info(name).has_value()) << name;
  EXPECT_EQ(derive_media_keys(core::Bytes(31), "WhatsApp Image Keys").code(), core::Errc::malformed);
}

RC_GTEST_PROP(MediaCipher, AnyChunkingOfAnySizeRoundTrips,
              (std::vector<std::size_t> enc_cuts, std::vector<std::size_t> dec_cuts, bool sidecar)) {
  const auto size = *rc::gen::inRange<std::size_t>(0, 3 * 65536 + 40);
  const auto type = *rc::gen::elementOf(std::vector<std::string_view>(media_type_names().begin(), media_type_names().end()));
  core::Bytes plain(size);
  for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i * 131 + size);
  const auto keys = keys_for(type);
  const auto [whole, whole_summary] = encrypt_media(keys, plain, sidecar).value();

  auto enc = MediaEncryptor::start(keys, sidecar).value();
  core::Bytes file;
  for (auto piece : pieces(plain, enc_cuts)) RC_ASSERT(enc.update(piece, file).ok());
  const auto summary = enc.finish(file).value();
  RC_ASSERT(file == whole);
  RC_ASSERT(summary.sidecar == whole_summary.sidecar);
  RC_ASSERT(summary.enc_length == file.size());
  RC_ASSERT(file.size() == (size / 16 + 1) * 16 + kMediaMacSize);
  RC_ASSERT(summary.sidecar.size() == (sidecar ? sidecar_entry_count(file.size()) * kSidecarEntrySize : 0));

  auto dec = MediaDecryptor::start(keys, expectation(summary)).value();
  core::Bytes out;
  for (auto piece : pieces(file, dec_cuts)) RC_ASSERT(dec.update(piece, out).ok());
  RC_ASSERT(dec.finish(out).ok());
  RC_ASSERT(out == plain);
}

// Any single bit flipped anywhere in the uploaded file, with the hash the message names, stops at
// the file hash; with the hash of the altered file (a server that also lies about the hash is
// caught by the message's hash, but the MAC must hold on its own) it stops at the MAC.
RC_GTEST_PROP(MediaCipher, AnyBitFlipOrTruncationIsRejectedAndReleasesNothing, (std::uint32_t where, bool rehash)) {
  const auto size = *rc::gen::inRange<std::size_t>(0, 300);
  const auto keys = keys_for("document");
  const auto [file, summary] = encrypt_media(keys, core::Bytes(size, 0x5a), false).value();
  core::Bytes bad = file;
  const std::size_t bit = where % (bad.size() * 8);
  bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  MediaExpectation expected = expectation(summary);
  if (rehash) expected.file_enc_sha256 = crypto::sha256(bad);
  std::optional<MediaCheck> failed;
  const auto result = decrypt_media(keys, expected, bad, &failed);
  RC_ASSERT(!result.ok());
  RC_ASSERT(result.code() == core::Errc::decrypt_failed);
  RC_ASSERT(failed == (rehash ? MediaCheck::mac : MediaCheck::file_enc_sha256));

  const core::BytesView cut = core::BytesView(file).first(where % file.size());
  expected.file_enc_sha256 = crypto::sha256(cut);
  RC_ASSERT(!decrypt_media(keys, expected, cut).ok());
}

TEST(MediaCipher, TheWrongMediaTypeFailsAtTheMac) {
  const auto [file, summary] = encrypt_media(keys_for("image"), core::Bytes(100, 1), false).value();
  std::optional<MediaCheck> failed;
  EXPECT_EQ(decrypt_media(keys_for("video"), expectation(summary), file, &failed).code(), core::Errc::decrypt_failed);
  EXPECT_EQ(failed, MediaCheck::mac);
  // image, sticker and product share an info string, so their keys are the same by design.
  EXPECT_TRUE(decrypt_media(keys_for("sticker"), expectation(summary), file).ok());
}

// Each check of the order failing alone: the files are built with the keys, so that every check
// before the one under test passes.
class EachCheckAlone : public ::testing::Test {
 protected:
  MediaKeys keys = keys_for("audio");

  // A file whose MAC and hash are right around raw CBC output of `padded` (no padding added).
  std::pair<core::Bytes, MediaExpectation> raw_file(const core::Bytes& padded, core::BytesView plain_for_hash) {
    auto cbc = crypto::Aes256CbcStream::start(crypto::Aes256CbcStream::Direction::encrypt, keys.cipher_key.view(),
                                              keys.iv.view())
                   .value();
    core::Bytes ct = padded;
    EXPECT_TRUE(cbc.process(ct).ok());
    core::Bytes file = seal_media_ciphertext(keys, ct);
    return {file, {crypto::sha256(plain_for_hash), crypto::sha256(file)}};
  }

  std::optional<MediaCheck> check_failing(const core::Bytes& file, const MediaExpectation& expected) {
    std::optional<MediaCheck> failed;
    EXPECT_FALSE(decrypt_media(keys, expected, file, &failed).ok());
    return failed;
  }
};

TEST_F(EachCheckAlone, Length) {
  for (std::size_t n : {0, 1, 10}) {
    const core::Bytes file(n, 3);
    std::optional<MediaCheck> failed;
    EXPECT_EQ(decrypt_media(keys, {{}, crypto::sha256(file)}, file, &failed).code(), core::Errc::malformed);
    EXPECT_EQ(failed, MediaCheck::length);
  }
}

TEST_F(EachCheckAlone, HashesMacAndBlockLength) {
  const core::Bytes plain(40, 9);
  const auto [file, summary] = encrypt_media(keys, plain, false).value();
  MediaExpectation wrong_enc = expectation(summary);
  wrong_enc.file_enc_sha256[0] ^= 1;
  EXPECT_EQ(check_failing(file, wrong_enc), MediaCheck::file_enc_sha256);

  core::Bytes bad_mac = file;
  bad_mac.back() ^= 0x80;
  EXPECT_EQ(check_failing(bad_mac, {summary.file_sha256, crypto::sha256(bad_mac)}), MediaCheck::mac);

  // 17 bytes of "ciphertext" under a valid MAC: the MAC passes, the block length does not.
  const core::Bytes odd = seal_media_ciphertext(keys, core::Bytes(17, 1));
  EXPECT_EQ(check_failing(odd, {summary.file_sha256, crypto::sha256(odd)}), MediaCheck::block_length);

  MediaExpectation wrong_plain = expectation(summary);
  wrong_plain.file_sha256[31] ^= 1;
  EXPECT_EQ(check_failing(file, wrong_plain), MediaCheck::file_sha256);
}

TEST_F(EachCheckAlone, EveryPaddingByteIsChecked) {
  // A valid MAC over bad padding: a last byte of 0 or 17, and a right count with one wrong byte
  // anywhere in the padding (a lenient unpad that reads only the last byte would accept these).
  std::vector<core::Bytes> blocks;
  blocks.push_back(core::Bytes(16, 0));
  blocks.push_back(core::Bytes(16, 17));
  for (std::size_t wrong = 0; wrong < 15; ++wrong) {
    core::Bytes b(16, 16);
    b[wrong] = 15;
    blocks.push_back(b);
  }
  core::Bytes short_pad(16, 'x');
  std::fill(short_pad.end() - 5, short_pad.end(), 5);
  short_pad[11] = 4;
  blocks.push_back(short_pad);
  for (const auto& block : blocks) {
    core::Bytes padded(32, 'p');
    std::copy(block.begin(), block.end(), padded.begin() + 16);
    const auto [file, expected] = raw_file(padded, padded);
    EXPECT_EQ(check_failing(file, expected), MediaCheck::padding) << core::to_hex(block);
  }
  // And the same construction with good padding passes, so the cases above fail for the padding.
  core::Bytes good(32, 'p');
  std::fill(good.begin() + 20, good.end(), 12);
  const auto [file, expected] = raw_file(good, core::BytesView(good).first(20));
  EXPECT_EQ(decrypt_media(keys, expected, file).value(), core::Bytes(20, 'p'));
}

TEST(MediaCipher, CheckNamesRoundTrip) {
  for (auto check : {MediaCheck::length, MediaCheck::file_enc_sha256, MediaCheck::mac, MediaCheck::block_length,
                     MediaCheck::padding, MediaCheck::file_sha256})
    EXPECT_EQ(media_check_from_name(media_check_name(check)), check);
  EXPECT_EQ(media_check_from_name("size"), std::nullopt);
}

TEST(MediaCipher, EncryptorAndDecryptorAreSpentAfterFinish) {
  const auto keys = keys_for("video");
  auto enc = MediaEncryptor::start(keys, false).value();
  core::Bytes out;
  const auto summary = enc.finish(out).value();
  EXPECT_EQ(enc.update(core::Bytes{1}, out).code(), core::Errc::internal);
  auto dec = MediaDecryptor::start(keys, expectation(summary)).value();
  core::Bytes plain;
  ASSERT_TRUE(dec.update(out, plain).ok());
  ASSERT_TRUE(dec.finish(plain).ok());
  EXPECT_TRUE(plain.empty());
  EXPECT_EQ(dec.finish(plain).code(), core::Errc::internal);
}

}  // namespace
}  // namespace parley::protocol::media
