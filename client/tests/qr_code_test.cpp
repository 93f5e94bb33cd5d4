// The link offer's QR code (spec §8.1): a PNG that a real QR reader (zbarimg) decodes back to
// exactly the offer's text, and a text drawing of the same modules; and a binary code (the
// scannable safety number, §8.7) that decodes back to its exact bytes.
#include "parley/client/qr_code.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace parley::client {
namespace {

// An offer's shape: the longest text spec §8.1 produces is about 400 characters.
const std::string kOffer =
    "PARLEY-LINK:1:986ACCF94BE2748D45BFE21CA01F808A:" + std::string(64, 'A') + ":05" + std::string(64, '7') + ":" +
    std::string(128, 'C') + ":" + std::string(64, '1') + ":4294967295:1900000060000";

// `binary`: zbarimg's bytes as they are, not converted as text.
std::string decode_png(const std::filesystem::path& file, bool binary = false) {
  const std::string command = std::string(PARLEY_ZBARIMG) + " --quiet --raw " + (binary ? "-Sbinary " : "") +
                              file.string() + " 2>/dev/null";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  std::string out;
  std::array<char, 512> buffer{};
  for (std::size_t n; pipe && (n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0;) out.append(buffer.data(), n);
  if (!binary)
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(QrCode, APngOfALinkOfferDecodesBackToItsText) {
  const auto code = QrCode::encode(kOffer).value();
  EXPECT_GE(code.size(), 21u);
  const auto file = std::filesystem::temp_directory_path() / ("parley-qr-" + std::to_string(::getpid()) + ".png");
  ASSERT_TRUE(code.write_png(file, 4).ok());
  EXPECT_EQ(decode_png(file), kOffer);
  // The code holds the link secret: its owner's alone, even over a file that was readable.
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::filesystem::permissions(file, std::filesystem::perms::all);
  ASSERT_TRUE(code.write_png(file, 4).ok());
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::filesystem::remove(file);
}

TEST(QrCode, TheTextDrawingHasTwoModulesPerCharacterRow) {
  const auto code = QrCode::encode("PARLEY-LINK:1:01").value();
  const auto text = code.text();
  const std::size_t side = code.size() + 4;  // a quiet zone of 2 each side
  std::size_t rows = 0;
  for (char c : text) rows += c == '\n';
  EXPECT_EQ(rows, (side + 1) / 2);
  // The first character row is quiet zone; the second starts, after 2 blank columns, with the
  // finder pattern's top two module rows: dark for 7 modules, then dark, light x5, dark.
  const auto second = text.substr(text.find('\n') + 1);
  EXPECT_EQ(second.rfind("  \u2588\u2580\u2580\u2580\u2580\u2580\u2588", 0), 0u) << text;
  EXPECT_NE(code.text(true), text);
}

TEST(QrCode, BinaryDataDecodesBackToItsExactBytes) {
  // The shape of a scannable safety number: 74 bytes, zeros and high bytes included.
  core::Bytes data = {0x08, 0x01, 0x12, 0x22, 0x0a, 0x20};
  for (int i = 0; data.size() < 74; ++i) data.push_back(static_cast<std::uint8_t>(i * 37));
  const auto code = QrCode::encode_bytes(data).value();
  const auto file = std::filesystem::temp_directory_path() / ("parley-qr-bin-" + std::to_string(::getpid()) + ".png");
  ASSERT_TRUE(code.write_png(file, 4).ok());
  auto decoded = decode_png(file, true);
  if (decoded.size() == data.size() + 1 && decoded.back() == '\n') decoded.pop_back();  // zbarimg ends each symbol so
  EXPECT_EQ(decoded, std::string(data.begin(), data.end()));
  std::filesystem::remove(file);
  EXPECT_EQ(QrCode::encode_bytes({}).code(), core::Errc::malformed);
}

TEST(QrCode, TooLongATextIsLimitExceeded) {
  EXPECT_EQ(QrCode::encode(std::string(8000, 'A')).code(), core::Errc::limit_exceeded);
  const auto code = QrCode::encode("x").value();
  EXPECT_EQ(code.write_png("/nonexistent-dir/qr.png").code(), core::Errc::storage_failure);
}

}  // namespace
}  // namespace parley::client
