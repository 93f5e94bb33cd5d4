// The Edwards-side operations XEdDSA rests on, exposed so that RFC 8032's vectors exercise the
// very verification path that XEdDSA signatures go through.
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::crypto {

using EdwardsPublicKey = std::array<std::uint8_t, 32>;

// y = (u - 1) / (u + 1) mod p, with the given sign bit in bit 255 (birational map of RFC 7748 §4.1).
// u = -1 has no image: `bad_key`.
core::Result<EdwardsPublicKey> montgomery_to_edwards(const std::array<std::uint8_t, 32>& u, bool sign_bit);

// Strict Ed25519 (RFC 8032 §5.1.7 with cofactorless equation): s must be canonical, and neither the
// public key nor R may be of small order or non-canonical. Failure is `bad_signature`.
core::Result<void> ed25519_verify(const EdwardsPublicKey& public_key, core::BytesView message,
                                  core::BytesView signature);

}  // namespace parley::crypto
