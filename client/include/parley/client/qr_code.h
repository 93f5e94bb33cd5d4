// The QR codes a device shows: a companion's link offer (spec §8.1) and a safety number's scannable
// form (§8.7), made with libqrencode and drawn two ways:
// as text (Unicode half blocks, two modules per character cell, for a terminal to print) and as a
// PNG file (libpng). The library draws; printing is the caller's business.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::client {

class QrCode {
 public:
  // Error correction level M (15%), the mode chosen per segment by libqrencode: Parley's link
  // offers are upper-case hex and digits, QR's compact alphanumeric mode. `limit_exceeded` for a
  // text no QR version holds.
  static core::Result<QrCode> encode(std::string_view text);
  // Binary data (8-bit mode throughout), such as a scannable safety number.
  static core::Result<QrCode> encode_bytes(core::BytesView data);

  std::size_t size() const { return size_; }  // modules per side, without the quiet zone
  bool dark(std::size_t x, std::size_t y) const { return modules_[y * size_ + x]; }

  // Rows of characters, dark modules as blocks on the terminal's background, a quiet zone of
  // 2 modules around (scanners want 4; terminals give the rest in their margin). `invert` for
  // dark-on-light terminals, where the blocks must be the light part.
  std::string text(bool invert = false) const;
  // A grey-scale PNG, `scale` pixels per module, with the standard 4-module quiet zone.
  core::Result<void> write_png(const std::filesystem::path& file, std::size_t scale = 8) const;

 private:
  QrCode(std::size_t size, std::vector<bool> modules) : size_(size), modules_(std::move(modules)) {}
  // From libqrencode's result: `width` x `width` bytes, bit 0 of each the module's colour.
  static QrCode from_libqrencode(int width, const unsigned char* data);
  std::size_t size_;
  std::vector<bool> modules_;
};

}  // namespace parley::client
