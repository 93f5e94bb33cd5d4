// SHA-256 and SHA-512 (Botan).
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"

namespace parley::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;
using Sha512Digest = std::array<std::uint8_t, 64>;

Sha256Digest sha256(core::BytesView data);
Sha512Digest sha512(core::BytesView data);

}  // namespace parley::crypto
