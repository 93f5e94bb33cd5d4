// fuzz_hex: core::from_hex and core::to_hex, the encoding every vector file and server.pub uses.
//
// The input is used twice: as text (from_hex must accept exactly the even-length strings of hex
// digits, and decoding then re-encoding gives the lowercased text), and as bytes (to_hex gives
// 2n lowercase digits that from_hex turns back into the same bytes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/hex.h"

namespace {

using parley::core::Errc;

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void check_text(std::string_view text) {
  bool all_hex = true;
  for (char c : text) all_hex = all_hex && is_hex_digit(c);
  const bool well_formed = all_hex && text.size() % 2 == 0;

  const auto decoded = parley::core::from_hex(text);
  PARLEY_FUZZ_CHECK(decoded.ok() == well_formed);
  if (!decoded.ok()) {
    PARLEY_FUZZ_CHECK(decoded.code() == Errc::malformed);
    return;
  }
  PARLEY_FUZZ_CHECK(decoded->size() == text.size() / 2);
  std::string lowered(text);
  for (char& c : lowered) c = to_lower(c);
  PARLEY_FUZZ_CHECK(parley::core::to_hex(*decoded) == lowered);
}

void check_bytes(parley::core::BytesView bytes) {
  const std::string hex = parley::core::to_hex(bytes);
  PARLEY_FUZZ_CHECK(hex.size() == 2 * bytes.size());
  for (char c : hex) PARLEY_FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  const auto back = parley::core::from_hex(hex);
  PARLEY_FUZZ_CHECK(back.ok());
  PARLEY_FUZZ_CHECK(back->size() == bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) PARLEY_FUZZ_CHECK((*back)[i] == bytes[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_text(std::string_view(reinterpret_cast<const char*>(data), size));
  check_bytes(parley::core::BytesView(data, size));
  return 0;
}
