// XEdDSA signatures exactly as libsignal computes them (spec §3.2): Ed25519 signatures made with
// an X25519 private key, the Edwards sign bit of the signer's public key carried in bit 7 of
// signature byte 63.
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/ed25519.h"
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

// Prepared keys: the Edwards form of a key computed once, as an Ed25519 secret key carries its
// public key. With them signing and verifying cost what Ed25519 costs; the one-shot functions
// above and below prepare a key per call (an Edwards base multiplication to sign, a field
// inversion to verify).
struct XeddsaSigningKey {
  core::SecretBytes private_key;    // the X25519 private key k, used as is
  EdwardsPublicKey edwards_public;  // kB, sign bit included
};
core::Result<XeddsaSigningKey> make_xeddsa_signing_key(const core::SecretBytes& private_key);
core::Result<Signature> xeddsa_sign(const XeddsaSigningKey& key, core::BytesView message, core::BytesView random);

struct XeddsaVerifyingKey {
  EdwardsPublicKey edwards_y;  // y = (u - 1)/(u + 1) with bit 255 clear; the signature supplies the sign
};
// u = -1 has no Edwards image: `bad_key`.
core::Result<XeddsaVerifyingKey> make_xeddsa_verifying_key(const X25519PublicKey& public_key);
core::Result<void> xeddsa_verify(const XeddsaVerifyingKey& key, core::BytesView message, core::BytesView signature);

// Strict verification: maps u to the Edwards point whose sign bit the signature carries, then
// verifies as Ed25519 with canonical s (< L) and rejects a public key or R of small order.
// Any failure is `bad_signature`; a signature of the wrong length is `malformed`.
core::Result<void> xeddsa_verify(const X25519PublicKey& public_key, core::BytesView message,
                                 core::BytesView signature);

}  // namespace parley::crypto
