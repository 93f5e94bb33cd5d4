// The small preview an image attachment carries inline (spec §12.4): a JPEG of at most
// kThumbnailSide pixels on its longer side and kMaxThumbnailSize bytes, made with libjpeg-turbo, so
// a chat can show the picture before the file is fetched.
#pragma once

#include <cstdint>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::client::media {

inline constexpr std::uint32_t kThumbnailSide = 96;
// A picture larger than this in either direction is not decoded: a small file can declare a huge
// image (a decompression bomb), and a thumbnail is not worth gigabytes of pixels.
inline constexpr std::uint32_t kMaxDecodedSide = 16384;

struct Thumbnail {
  core::Bytes jpeg;
  std::uint32_t width = 0, height = 0;  // of the original picture
};

// Bytes that are not a JPEG libjpeg-turbo can read: `malformed`; a picture over kMaxDecodedSide:
// `limit_exceeded`.
core::Result<Thumbnail> make_jpeg_thumbnail(core::BytesView jpeg);

// A decoded picture: 3 bytes (R, G, B) per pixel, row after row.
struct Picture {
  std::uint32_t width = 0, height = 0;
  std::vector<unsigned char> rgb;
  std::uint32_t source_width = 0, source_height = 0;  // of the JPEG, before any scaling
};

// Decodes a JPEG, scaled down by libjpeg-turbo (1/8 to 1) as far as keeps its longer side at least
// `min_side` (a thumbnail to show, or to shrink further). Errors as make_jpeg_thumbnail's, with
// `max_side` in place of kMaxDecodedSide (a received thumbnail has no business being large).
core::Result<Picture> decode_jpeg(core::BytesView jpeg, std::uint32_t min_side,
                                  std::uint32_t max_side = kMaxDecodedSide);

}  // namespace parley::client::media
