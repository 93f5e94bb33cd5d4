#include "parley/client/qr_code.h"

#include <fcntl.h>
#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <qrencode.h>

#include <cerrno>
#include <cstdio>
#include <memory>

namespace parley::client {

using core::Errc;

namespace {

using Owned = std::unique_ptr<QRcode, decltype(&QRcode_free)>;

core::Error encode_failure() {
  if (errno == ERANGE) return core::make_error(Errc::limit_exceeded, "the data is too long for a QR code");
  return core::make_error(Errc::internal, "libqrencode could not encode the data");
}

}  // namespace

core::Result<QrCode> QrCode::encode(std::string_view text) {
  const std::string zero_terminated(text);
  const Owned code(QRcode_encodeString(zero_terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) return encode_failure();
  return from_libqrencode(code->width, code->data);
}

core::Result<QrCode> QrCode::encode_bytes(core::BytesView data) {
  if (data.empty()) return core::make_error(Errc::malformed, "no data for a QR code");
  const Owned code(QRcode_encodeData(static_cast<int>(data.size()), data.data(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return encode_failure();
  return from_libqrencode(code->width, code->data);
}

QrCode QrCode::from_libqrencode(int width, const unsigned char* data) {
  const auto size = static_cast<std::size_t>(width);
  std::vector<bool> modules(size * size);
  // Bit 0 of each byte is the module's colour (1: dark); the other bits say what the module is
  // part of.
  for (std::size_t i = 0; i < modules.size(); ++i) modules[i] = (data[i] & 1) != 0;
  return QrCode(size, std::move(modules));
}

std::string QrCode::text(bool invert) const {
  constexpr std::size_t kQuiet = 2;
  const std::size_t side = size_ + 2 * kQuiet;
  auto at = [&](std::size_t x, std::size_t y) {
    if (x < kQuiet || y < kQuiet || x >= kQuiet + size_ || y >= kQuiet + size_) return invert;
    return dark(x - kQuiet, y - kQuiet) != invert;
  };
  std::string out;
  for (std::size_t y = 0; y < side; y += 2) {
    for (std::size_t x = 0; x < side; ++x) {
      const bool top = at(x, y), bottom = y + 1 < side ? at(x, y + 1) : invert;
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += '\n';
  }
  return out;
}

core::Result<void> QrCode::write_png(const std::filesystem::path& file, std::size_t scale) const {
  constexpr std::size_t kQuiet = 4;
  if (scale == 0 || scale > 64) return core::make_error(Errc::malformed, "PNG scale must be 1 to 64");
  const std::size_t side = (size_ + 2 * kQuiet) * scale;
  // The code holds the link secret (spec §8.1): readable by its owner only, from the first byte
  // (created 0600, not chmod-ed after the fact).
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::make_error(Errc::storage_failure, "cannot write " + file.string() + ": " + std::strerror(errno));
  if (::fchmod(fd, 0600) != 0) {  // an existing file keeps its mode through O_CREAT
    ::close(fd);
    return core::make_error(Errc::storage_failure, "cannot make " + file.string() + " private: " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, decltype(&std::fclose)> out(::fdopen(fd, "wb"), &std::fclose);
  if (!out) ::close(fd);
  if (!out) return core::make_error(Errc::storage_failure, "cannot write " + file.string());
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return core::make_error(Errc::internal, "libpng could not start");
  }
  std::vector<png_byte> row(side);
  // libpng reports errors by longjmp; nothing with a destructor lives between here and the end.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return core::make_error(Errc::storage_failure, "libpng failed writing " + file.string());
  }
  png_init_io(png, out.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (std::size_t y = 0; y < side; ++y) {
    const std::size_t my = y / scale;
    for (std::size_t x = 0; x < side; ++x) {
      const std::size_t mx = x / scale;
      const bool inside = mx >= kQuiet && my >= kQuiet && mx < kQuiet + size_ && my < kQuiet + size_;
      row[x] = inside && dark(mx - kQuiet, my - kQuiet) ? 0 : 255;
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return {};
}

}  // namespace parley::client
