// XEdDSA signatures exactly as libsignal computes them (spec §3.2): Ed25519 signatures made with
// an X25519 private key, the Edwards sign bit of the signer's public key carried in bit 7 of
// signature byte 63.
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/x25519.h"

namespace parley::crypto {

inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kSignatureRandomSize = 64;

using Signature = std::array<std::uint8_t, kSignatureSize>;

// `random` is the 64-byte nonce input Z (from Entropy in normal use, from a vector when replaying).
// r = SHA-512(0xFE || 0xFF*31 || k || message || Z) mod L, as libsignal's curve25519_sign.
core::Result<Signature> xeddsa_sign(const core::SecretBytes& private_key, core::BytesView message,
                                    core::BytesView random);

// Convenience: draws Z from `entropy`.
core::Result<Signature> xeddsa_sign(const core::SecretBytes& private_key, core::BytesView message, Entropy& entropy);

// Strict verification: maps u to the Edwards point whose sign bit the signature carries, then
// verifies as Ed25519 with canonical s (< L) and rejects a public key or R of small order.
// Any failure is `bad_signature`; a signature of the wrong length is `malformed`.
core::Result<void> xeddsa_verify(const X25519PublicKey& public_key, core::BytesView message,
                                 core::BytesView signature);

}  // namespace parley::crypto
