// The inline preview of spec §12.4: made from a real JPEG (encoded here with libjpeg-turbo), small
// in both pixels and bytes, the original's dimensions kept; other bytes refused with a type.
#include <gtest/gtest.h>
#include <turbojpeg.h>

#include "parley/client/media/thumbnail.h"
#include "parley/wire/content.h"

namespace parley::client::media {
namespace {

core::Bytes gradient_jpeg(int width, int height) {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      auto* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      p[0] = static_cast<unsigned char>(x * 255 / width);
      p[1] = static_cast<unsigned char>(y * 255 / height);
      p[2] = static_cast<unsigned char>((x ^ y) & 0xff);
    }
  tjhandle h = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  EXPECT_EQ(tjCompress2(h, rgb.data(), width, 0, height, TJPF_RGB, &out, &size, TJSAMP_444, 95, 0), 0);
  core::Bytes jpeg(out, out + size);
  tjFree(out);
  tjDestroy(h);
  return jpeg;
}

std::pair<int, int> dimensions(const core::Bytes& jpeg) {
  tjhandle h = tjInitDecompress();
  int w = 0, ht = 0, s = 0, c = 0;
  EXPECT_EQ(tjDecompressHeader3(h, jpeg.data(), static_cast<unsigned long>(jpeg.size()), &w, &ht, &s, &c), 0);
  tjDestroy(h);
  return {w, ht};
}

TEST(Thumbnail, APhotoBecomesASmallPreviewWithItsShape) {
  for (const auto& [w, h] : {std::pair{1600, 1200}, std::pair{300, 900}, std::pair{97, 40}, std::pair{20, 10}}) {
    const auto photo = gradient_jpeg(w, h);
    const auto thumb = make_jpeg_thumbnail(photo).value();
    EXPECT_EQ(thumb.width, static_cast<std::uint32_t>(w));
    EXPECT_EQ(thumb.height, static_cast<std::uint32_t>(h));
    EXPECT_LE(thumb.jpeg.size(), wire::kMaxThumbnailSize);
    const auto [tw, th] = dimensions(thumb.jpeg);
    EXPECT_LE(std::max(tw, th), static_cast<int>(kThumbnailSide)) << w << "x" << h;
    EXPECT_NEAR(static_cast<double>(tw) / th, static_cast<double>(w) / h, 0.1 * w / h + 0.5);
  }
}

TEST(Thumbnail, BytesThatAreNotAJpegAreMalformed) {
  EXPECT_EQ(make_jpeg_thumbnail({}).code(), core::Errc::malformed);
  EXPECT_EQ(make_jpeg_thumbnail(core::Bytes(100, 0x42)).code(), core::Errc::malformed);
  auto cut = gradient_jpeg(64, 64);
  cut.resize(20);
  EXPECT_EQ(make_jpeg_thumbnail(cut).code(), core::Errc::malformed);
}

TEST(Thumbnail, DecodingScalesDownOnlyAsFarAsTheSideAskedFor) {
  const auto photo = gradient_jpeg(1600, 1200);
  const auto small = decode_jpeg(photo, 96).value();
  EXPECT_EQ(small.source_width, 1600u);
  EXPECT_EQ(small.source_height, 1200u);
  EXPECT_EQ(small.width, 200u);  // 1/8: the longer side still at least 96
  EXPECT_EQ(small.height, 150u);
  EXPECT_EQ(small.rgb.size(), 200u * 150u * 3u);
  const auto whole = decode_jpeg(photo, 4000).value();  // nothing keeps 4000: full size
  EXPECT_EQ(whole.width, 1600u);
  EXPECT_EQ(decode_jpeg(core::Bytes(64, 0x42), 96).code(), core::Errc::malformed);
  // A caller's own limit on the declared size, at N and N + 1.
  EXPECT_TRUE(decode_jpeg(photo, 96, 1600).ok());
  EXPECT_EQ(decode_jpeg(photo, 96, 1599).code(), core::Errc::limit_exceeded);
}

}  // namespace
}  // namespace parley::client::media
