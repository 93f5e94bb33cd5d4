#include "parley/crypto/entropy.h"

#include <sodium.h>

#include <algorithm>

#include "backend.h"
#include "parley/crypto/hash.h"

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
    return core::make_error(core::Errc::entropy_exhausted,
                            "scripted entropy has " + std::to_string(remaining()) + " bytes, asked for " +
                                std::to_string(out.size()));
  std::copy_n(script_.begin() + static_cast<std::ptrdiff_t>(offset_), out.size(), out.begin());
  offset_ += out.size();
  return {};
}

void StreamEntropy::fill_bytes(void* out, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(out);
  for (std::size_t i = 0; i < n; ++i) {
    if (used_ == block_.size()) refill();
    p[i] = block_[used_++];
  }
}

void StreamEntropy::refill() {
  std::uint8_t input[16];
  for (int i = 0; i < 8; ++i) input[i] = static_cast<std::uint8_t>(seed_ >> (8 * i));
  for (int i = 0; i < 8; ++i) input[8 + i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  ++counter_;
  block_ = sha256(core::BytesView(input, sizeof input));
  used_ = 0;
}

}  // namespace parley::crypto
