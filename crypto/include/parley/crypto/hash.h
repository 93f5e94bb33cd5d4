// SHA-256 and SHA-512 (Botan).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "parley/core/bytes.h"

namespace parley::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;
using Sha512Digest = std::array<std::uint8_t, 64>;

Sha256Digest sha256(core::BytesView data);
Sha512Digest sha512(core::BytesView data);

// SHA-256 over data that arrives in pieces (a blob read back chunk by chunk), so that hashing a
// large input never needs it whole in memory. Equal to sha256() of the concatenation.
class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(core::BytesView data);
  // Returns the digest of everything given so far and starts over.
  Sha256Digest final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::crypto
