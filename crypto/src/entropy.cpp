#include "parley/crypto/entropy.h"

#include <sodium.h>

#include <algorithm>

#include "backend.h"

namespace parley::crypto {

namespace detail {
void ensure_sodium() {
  // sodium_init is itself thread-safe and returns 1 once initialized.
  static const int rc = sodium_init();
  (void)rc;
}
}  // namespace detail

core::Result<void> SystemEntropy::fill(std::span<std::uint8_t> out) {
  detail::ensure_sodium();
  randombytes_buf(out.data(), out.size());
  return {};
}

core::Result<void> ScriptedEntropy::fill(std::span<std::uint8_t> out) {
  if (out.size() > remaining())
    return core::make_error(core::Errc::entropy_exhausted, "scripted entropy has " + std::to_string(remaining()) +
                                                               " bytes, asked for " + std::to_string(out.size()));
  std::copy_n(script_.begin() + static_cast<std::ptrdiff_t>(offset_), out.size(), out.begin());
  offset_ += out.size();
  return {};
}

}  // namespace parley::crypto
