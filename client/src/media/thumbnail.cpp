#include "parley/client/media/thumbnail.h"

#include <turbojpeg.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "parley/wire/content.h"

namespace parley::client::media {

namespace {

struct TjDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

constexpr int kChannels = 3;  // RGB

// The smallest of libjpeg-turbo's decode-time scalings (1/8 to 2) that keeps the longer side at
// least `min_side`, so the decoder does most of the shrinking and the box filter the rest.
tjscalingfactor decode_scale(int width, int height, int min_side) {
  int count = 0;
  const tjscalingfactor* factors = tjGetScalingFactors(&count);
  tjscalingfactor best{1, 1};
  int best_side = std::max(width, height);
  for (int i = 0; i < count; ++i) {
    const int side = std::max(TJSCALED(width, factors[i]), TJSCALED(height, factors[i]));
    if (side >= min_side && side < best_side) {
      best = factors[i];
      best_side = side;
    }
  }
  return best;
}

// Averages each output pixel over the input pixels it covers (a box filter).
std::vector<unsigned char> shrink(const std::vector<unsigned char>& in, int width, int height, int out_w, int out_h) {
  std::vector<unsigned char> out(static_cast<std::size_t>(out_w) * out_h * kChannels);
  for (int y = 0; y < out_h; ++y) {
    const int y0 = y * height / out_h, y1 = std::max(y0 + 1, (y + 1) * height / out_h);
    for (int x = 0; x < out_w; ++x) {
      const int x0 = x * width / out_w, x1 = std::max(x0 + 1, (x + 1) * width / out_w);
      for (int c = 0; c < kChannels; ++c) {
        unsigned sum = 0;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx) sum += in[(static_cast<std::size_t>(yy) * width + xx) * kChannels + c];
        out[(static_cast<std::size_t>(y) * out_w + x) * kChannels + c] =
            static_cast<unsigned char>(sum / static_cast<unsigned>((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}

}  // namespace

core::Result<Picture> decode_jpeg(core::BytesView jpeg, std::uint32_t min_side, std::uint32_t max_side) {
  TjHandle decoder(tjInitDecompress());
  if (!decoder) return core::make_error(core::Errc::internal, "libjpeg-turbo would not start");
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (jpeg.empty() ||
      tjDecompressHeader3(decoder.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), &width, &height,
                          &subsampling, &colorspace) != 0 ||
      width <= 0 || height <= 0)
    return core::make_error(core::Errc::malformed, "not a JPEG");
  if (width > static_cast<int>(max_side) || height > static_cast<int>(max_side))
    return core::make_error(core::Errc::limit_exceeded, "a picture too large to preview");

  const tjscalingfactor scale = decode_scale(width, height, static_cast<int>(min_side));
  const int dw = TJSCALED(width, scale), dh = TJSCALED(height, scale);
  std::vector<unsigned char> pixels(static_cast<std::size_t>(dw) * dh * kChannels);
  if (tjDecompress2(decoder.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), pixels.data(), dw, 0, dh,
                    TJPF_RGB, TJFLAG_ACCURATEDCT) != 0 &&
      tjGetErrorCode(decoder.get()) == TJERR_FATAL)
    return core::make_error(core::Errc::malformed, "an unreadable JPEG");
  return Picture{static_cast<std::uint32_t>(dw), static_cast<std::uint32_t>(dh), std::move(pixels),
                 static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height)};
}

core::Result<Thumbnail> make_jpeg_thumbnail(core::BytesView jpeg) {
  PARLEY_TRY(const auto picture, decode_jpeg(jpeg, kThumbnailSide));
  const int dw = static_cast<int>(picture.width), dh = static_cast<int>(picture.height);
  const double ratio = static_cast<double>(kThumbnailSide) / std::max(dw, dh);
  const int tw = std::max(1, std::min(dw, static_cast<int>(dw * ratio + 0.5)));
  const int th = std::max(1, std::min(dh, static_cast<int>(dh * ratio + 0.5)));
  const auto small = shrink(picture.rgb, dw, dh, tw, th);

  TjHandle encoder(tjInitCompress());
  if (!encoder) return core::make_error(core::Errc::internal, "libjpeg-turbo would not start");
  // Lower the quality until the preview fits the content's limit; 96 px rarely needs a second try.
  for (int quality : {70, 50, 30, 15}) {
    unsigned char* out = nullptr;
    unsigned long size = 0;
    if (tjCompress2(encoder.get(), small.data(), tw, 0, th, TJPF_RGB, &out, &size, TJSAMP_420, quality, 0) != 0) {
      tjFree(out);
      return core::make_error(core::Errc::internal, "libjpeg-turbo could not encode the preview");
    }
    core::Bytes bytes(out, out + size);
    tjFree(out);
    if (bytes.size() <= wire::kMaxThumbnailSize)
      return Thumbnail{std::move(bytes), picture.source_width, picture.source_height};
  }
  return core::make_error(core::Errc::limit_exceeded, "no preview fits the thumbnail limit");
}

}  // namespace parley::client::media
