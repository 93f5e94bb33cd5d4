// Attachments in a content (spec §12.4): every valid description round-trips, alone and as a copy
// for our own device, and each rule of check_media is enforced at N and N + 1 on both sides.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/wire/content.h"

namespace parley::wire {
namespace {

using core::Errc;

MediaBody photo() {
  MediaBody m;
  m.type = "image";
  m.mime_type = "image/jpeg";
  m.file_name = "beach.jpg";
  m.file_length = 200000;
  m.media_key = core::Bytes(32, 1);
  m.file_sha256 = core::Bytes(32, 2);
  m.file_enc_sha256 = core::Bytes(32, 3);
  m.caption = "the beach";
  m.width = 640;
  m.height = 480;
  m.streaming_sidecar = core::Bytes(40, 4);  // 200,010-byte upload + 16: four 64 KiB chunks
  m.thumbnail_jpeg = core::Bytes(3000, 5);
  return m;
}

Content media_content(const MediaBody& m, std::optional<std::uint64_t> sent_to = std::nullopt) {
  Content c{7, 8, "", sent_to};
  c.media = m;
  return c;
}

RC_GTEST_PROP(MediaContent, EveryValidDescriptionRoundTrips,
              (std::string caption, std::uint32_t length, bool own, bool with_sidecar, std::uint16_t thumb)) {
  MediaBody m = photo();
  m.caption = caption.substr(0, 1000);
  m.file_length = length % (kMaxMediaFileLength + 1);
  const std::uint64_t upload = (m.file_length / 16 + 1) * 16 + 10;
  m.streaming_sidecar = with_sidecar ? core::Bytes((upload + 16 + 65535) / 65536 * 10, 9) : core::Bytes{};
  m.thumbnail_jpeg = core::Bytes(thumb % (kMaxThumbnailSize + 1), 6);
  const auto c = media_content(m, own ? std::optional<std::uint64_t>(42) : std::nullopt);
  const auto encoded = encode_content(c);
  if (!encoded.ok()) {  // a long file's sidecar with a thumbnail does not fit in one content
    RC_ASSERT(encoded.code() == Errc::limit_exceeded);
    RC_ASSERT(m.streaming_sidecar.size() + m.thumbnail_jpeg.size() + m.caption.size() > kMaxContentSize - 1024);
    return;
  }
  const auto decoded = decode_content(*encoded);
  if (!decoded.ok()) RC_FAIL(core::to_string(decoded.error()));
  RC_ASSERT(*decoded == c);
}

// Each rule, checked by the encoder; the decoder runs the same check_media.
TEST(MediaContent, EachRuleAtNAndNPlusOne) {
  const auto refused = [](auto change) {
    MediaBody m = photo();
    change(m);
    return encode_content(media_content(m)).code();
  };
  EXPECT_EQ(refused([](MediaBody& m) { m.type = "ppic"; }), Errc::unsupported);
  EXPECT_EQ(refused([](MediaBody& m) { m.media_key.pop_back(); }), Errc::malformed);
  EXPECT_EQ(refused([](MediaBody& m) { m.file_enc_sha256.push_back(0); }), Errc::malformed);
  for (const char* name : {"../etc/passwd", "a/b", "a\\b", ".", ".."})
    EXPECT_EQ(refused([&](MediaBody& m) { m.file_name = name; }), Errc::malformed) << name;
  EXPECT_EQ(refused([](MediaBody& m) { m.file_name = std::string("a\0b", 3); }), Errc::malformed);
  EXPECT_EQ(refused([](MediaBody& m) { m.file_name = std::string(kMaxMediaNameSize + 1, 'n'); }), Errc::limit_exceeded);
  EXPECT_EQ(refused([](MediaBody& m) { m.thumbnail_jpeg = core::Bytes(kMaxThumbnailSize + 1); }), Errc::limit_exceeded);
  EXPECT_EQ(refused([](MediaBody& m) {
              m.file_length = kMaxMediaFileLength + 1;
              m.streaming_sidecar.clear();
            }),
            Errc::limit_exceeded);
  EXPECT_EQ(refused([](MediaBody& m) { m.streaming_sidecar.resize(50); }), Errc::malformed);

  MediaBody at_limits = photo();
  at_limits.file_name = std::string(kMaxMediaNameSize, 'n');
  at_limits.thumbnail_jpeg = core::Bytes(kMaxThumbnailSize);
  at_limits.file_length = kMaxMediaFileLength;
  at_limits.streaming_sidecar.clear();
  EXPECT_TRUE(encode_content(media_content(at_limits)).ok());

  MediaBody too_long = photo();  // a sidecar for a 2 GiB file is 320 KiB: the content cannot hold it
  too_long.file_length = kMaxMediaFileLength;
  too_long.streaming_sidecar = core::Bytes(32769 * 10);
  EXPECT_EQ(encode_content(media_content(too_long)).code(), Errc::limit_exceeded);

  Content with_text = media_content(photo());
  with_text.text = "both";
  EXPECT_EQ(encode_content(with_text).code(), Errc::malformed);
}

}  // namespace
}  // namespace parley::wire
