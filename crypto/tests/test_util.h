// Helpers shared by the crypto unit tests.
#pragma once

#include <string_view>

#include "parley/core/bytes.h"
#include "parley/core/hex.h"

namespace parley::crypto::testing {

inline core::Bytes hex(std::string_view s) { return core::from_hex(s).value(); }

// Script of `n` bytes counting up from `start`, so each test's randomness is distinct and fixed.
inline core::Bytes counting_bytes(std::size_t n, std::uint8_t start = 0) {
  core::Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(start + i);
  return out;
}

}  // namespace parley::crypto::testing
