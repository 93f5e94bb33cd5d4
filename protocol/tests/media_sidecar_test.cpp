// The streaming sidecar of spec §12.2 against a direct reading of its definition, for any split of
// the input, and each window checked on its own.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/core/hex.h"
#include "parley/crypto/hmac.h"
#include "parley/protocol/media/media_encryptor.h"
#include "parley/protocol/media/sidecar.h"
#include "parley/protocol/media/sidecar_reader.h"

namespace parley::protocol::media {
namespace {

const core::Bytes kMacKey(32, 0x42);

// The definition, written plainly: entry n = HMAC(mac key, S[n*64K, n*64K + 64K + 16))[0:10]
// while n*64K < |S|.
core::Bytes sidecar_by_definition(core::BytesView s) {
  core::Bytes out;
  for (std::size_t begin = 0; begin < s.size(); begin += kSidecarChunkSize) {
    const auto window = s.subspan(begin, std::min<std::size_t>(kSidecarWindowSize, s.size() - begin));
    const auto mac = crypto::hmac_sha256(kMacKey, window);
    out.insert(out.end(), mac.begin(), mac.begin() + kSidecarEntrySize);
  }
  return out;
}

core::Bytes s_of_length(std::size_t n) {
  core::Bytes s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::uint8_t>(i ^ (i >> 8));
  return s;
}

RC_GTEST_PROP(Sidecar, AnySplitMatchesTheDefinition, (std::vector<std::size_t> cuts)) {
  const auto length = *rc::gen::inRange<std::size_t>(0, 4 * 65536 + 64);
  const core::Bytes s = s_of_length(length);
  SidecarAccumulator acc(kMacKey);
  core::BytesView rest(s);
  for (std::size_t cut : cuts) {
    const std::size_t n = cut % (rest.size() + 1);
    acc.update(rest.first(n));
    rest = rest.subspan(n);
  }
  acc.update(rest);
  RC_ASSERT(acc.finish() == sidecar_by_definition(s));
}

// The lengths where a window opens, closes or is shared: around every boundary of S.
TEST(Sidecar, BoundaryLengthsMatchTheDefinition) {
  for (std::size_t base : {std::size_t{0}, std::size_t{65536}, std::size_t{2 * 65536}})
    for (std::size_t delta : {0, 1, 15, 16, 17}) {
      for (std::size_t length : {base + delta, base > delta ? base - delta : 0}) {
        const core::Bytes s = s_of_length(length);
        SidecarAccumulator acc(kMacKey);
        acc.update(s);
        EXPECT_EQ(acc.finish(), sidecar_by_definition(s)) << length;
      }
    }
}

TEST(Sidecar, EntryCountAndWindows) {
  EXPECT_EQ(sidecar_entry_count(26), 1u);          // |S| = 42
  EXPECT_EQ(sidecar_entry_count(65536 - 16), 1u);  // |S| = 64K exactly
  EXPECT_EQ(sidecar_entry_count(65536 - 15), 2u);
  const auto w0 = sidecar_window(0, 200000);
  EXPECT_EQ(w0.enc_begin, 0u);
  EXPECT_EQ(w0.enc_end, 65536u);
  EXPECT_TRUE(w0.starts_with_iv);
  const auto w1 = sidecar_window(1, 200000);
  EXPECT_EQ(w1.enc_begin, 65536u - 16);
  EXPECT_EQ(w1.enc_end, 2u * 65536);
  EXPECT_FALSE(w1.starts_with_iv);
  const auto last = sidecar_window(3, 200000);
  EXPECT_EQ(last.enc_end, 200000u);
}

// Every window of a real file verifies on its own, and a flipped byte in a window is caught.
TEST(Sidecar, EachWindowVerifiesAlone) {
  const auto keys = derive_media_keys(core::Bytes(32, 1), "WhatsApp Video Keys").value();
  const auto [file, summary] = encrypt_media(keys, core::Bytes(3 * 65536 + 100, 0x33), true).value();
  const std::uint64_t entries = sidecar_entry_count(file.size());
  ASSERT_EQ(summary.sidecar.size(), entries * kSidecarEntrySize);
  for (std::uint64_t n = 0; n < entries; ++n) {
    const auto w = sidecar_window(n, file.size());
    core::Bytes window = w.starts_with_iv ? core::to_bytes(keys.iv.view()) : core::Bytes{};
    window.insert(window.end(), file.begin() + static_cast<std::ptrdiff_t>(w.enc_begin),
                  file.begin() + static_cast<std::ptrdiff_t>(w.enc_end));
    EXPECT_TRUE(verify_sidecar_entry(keys.mac_key.view(), summary.sidecar, n, file.size(), window).ok()) << n;
    window[window.size() / 2] ^= 1;
    EXPECT_EQ(verify_sidecar_entry(keys.mac_key.view(), summary.sidecar, n, file.size(), window).code(),
              core::Errc::decrypt_failed);
    window.pop_back();
    EXPECT_EQ(verify_sidecar_entry(keys.mac_key.view(), summary.sidecar, n, file.size(), window).code(),
              core::Errc::malformed);
  }
  EXPECT_EQ(verify_sidecar_entry(keys.mac_key.view(), summary.sidecar, entries, file.size(), {}).code(),
            core::Errc::malformed);
}

core::Bytes file_window(const core::Bytes& file, const SidecarWindow& w) {
  return core::Bytes(file.begin() + static_cast<std::ptrdiff_t>(w.enc_begin),
                     file.begin() + static_cast<std::ptrdiff_t>(w.enc_end));
}

// Chunk by chunk, every size (including those whose last window holds only MAC bytes) gives the
// plaintext back, and each chunk is released only after its own entry verified.
RC_GTEST_PROP(SidecarReader, ChunkByChunkGivesThePlaintext, ()) {
  const auto size = *rc::gen::oneOf(rc::gen::inRange<std::size_t>(0, 3 * 65536 + 64),
                                    rc::gen::element<std::size_t>(0, 15, 16, 65510, 65519, 65520, 65535, 65536, 131046));
  const auto keys = derive_media_keys(core::Bytes(32, 9), "WhatsApp Audio Keys").value();
  core::Bytes plain(size);
  for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const auto [file, summary] = encrypt_media(keys, plain, true).value();
  auto reader = SidecarReader::start(keys, summary.sidecar, file.size(), summary.file_sha256).value();
  core::Bytes out;
  for (std::uint64_t n = 0; n < reader.chunks(); ++n) {
    RC_ASSERT(reader.finish().code() == core::Errc::malformed);  // not yet
    const auto chunk = reader.open(n, file_window(file, reader.window(n))).value();
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  RC_ASSERT(reader.finish().ok());
  RC_ASSERT(out == plain);
}

TEST(SidecarReader, AnAlteredChunkIsRefusedAndCanBeFetchedAgain) {
  const auto keys = derive_media_keys(core::Bytes(32, 9), "WhatsApp Video Keys").value();
  const core::Bytes plain(200000, 0x61);
  const auto [file, summary] = encrypt_media(keys, plain, true).value();
  auto reader = SidecarReader::start(keys, summary.sidecar, file.size(), summary.file_sha256).value();
  ASSERT_TRUE(reader.open(0, file_window(file, reader.window(0))).ok());
  auto bad = file_window(file, reader.window(1));
  bad[100] ^= 0x01;
  EXPECT_EQ(reader.open(1, bad).code(), core::Errc::decrypt_failed);
  EXPECT_EQ(reader.open(2, file_window(file, reader.window(2))).code(), core::Errc::malformed);  // out of order
  EXPECT_TRUE(reader.open(1, file_window(file, reader.window(1))).ok());  // the failure changed nothing
  // Chunk 1's bytes offered as chunk 2 (a server swapping chunks): same length, another entry.
  EXPECT_EQ(reader.open(2, file_window(file, reader.window(1))).code(), core::Errc::decrypt_failed);
}

TEST(SidecarReader, ImpossibleLengthsAndSidecarsAreMalformed) {
  const auto keys = derive_media_keys(core::Bytes(32, 9), "WhatsApp Video Keys").value();
  const crypto::Sha256Digest any{};
  EXPECT_EQ(SidecarReader::start(keys, core::Bytes(10), 10, any).code(), core::Errc::malformed);
  EXPECT_EQ(SidecarReader::start(keys, core::Bytes(10), 27, any).code(), core::Errc::malformed);
  EXPECT_EQ(SidecarReader::start(keys, core::Bytes(20), 26, any).code(), core::Errc::malformed);
  EXPECT_TRUE(SidecarReader::start(keys, core::Bytes(10), 26, any).ok());
}

TEST(SidecarReader, AWrongPlaintextHashIsCaughtAtTheEnd) {
  const auto keys = derive_media_keys(core::Bytes(32, 9), "WhatsApp Video Keys").value();
  const auto [file, summary] = encrypt_media(keys, core::Bytes(1000, 1), true).value();
  auto hash = summary.file_sha256;
  hash[0] ^= 1;
  auto reader = SidecarReader::start(keys, summary.sidecar, file.size(), hash).value();
  ASSERT_TRUE(reader.open(0, file_window(file, reader.window(0))).ok());
  EXPECT_EQ(reader.finish().code(), core::Errc::decrypt_failed);
}

}  // namespace
}  // namespace parley::protocol::media
