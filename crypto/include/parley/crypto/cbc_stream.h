// AES-256-CBC over data that arrives in pieces (media files of up to 2 GiB, spec §12.3), without
// padding: the caller owns the final block, so that it can check PKCS#7 strictly and in the order
// its spec names (the whole-message functions of cipher.h pad and unpad themselves).
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::crypto {

inline constexpr std::size_t kAesBlockSize = 16;

class Aes256CbcStream {
 public:
  enum class Direction { encrypt, decrypt };

  // Wrong key or IV length: `malformed`.
  static core::Result<Aes256CbcStream> start(Direction direction, core::BytesView key, core::BytesView iv);

  Aes256CbcStream(Aes256CbcStream&&) noexcept;
  Aes256CbcStream& operator=(Aes256CbcStream&&) noexcept;
  ~Aes256CbcStream();

  // Transforms `blocks` in place, continuing the chain from the previous call. Its size must be a
  // multiple of 16 (a caller error otherwise: `malformed`, nothing processed).
  core::Result<void> process(std::span<std::uint8_t> blocks);

 private:
  struct Impl;
  explicit Aes256CbcStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::crypto
