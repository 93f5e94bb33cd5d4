// X25519 keys as libsignal handles them (spec §3.1): 32-byte private keys clamped at generation,
// public keys serialized inside signed or MACed data as 33 bytes `0x05 || u`.
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/entropy.h"

namespace parley::crypto {

inline constexpr std::size_t kX25519KeySize = 32;
inline constexpr std::size_t kSerializedPublicKeySize = 33;
inline constexpr std::uint8_t kDjbKeyType = 0x05;  // libsignal's "DJB" key type byte

using X25519PublicKey = std::array<std::uint8_t, kX25519KeySize>;

struct X25519KeyPair {
  core::SecretBytes private_key;  // 32 bytes, clamped
  X25519PublicKey public_key;
  friend bool operator==(const X25519KeyPair&, const X25519KeyPair&) = default;
};

// Clamps as libsignal does: k[0] &= 248, k[31] &= 127, k[31] |= 64.
void clamp_private_key(std::span<std::uint8_t, kX25519KeySize> key);

core::Result<X25519KeyPair> generate_x25519_key_pair(Entropy& entropy);

// From a stored 32-byte private key (libsignal stores it clamped; we clamp again, which is a no-op
// then). A wrong length is `bad_key`.
core::Result<X25519KeyPair> x25519_key_pair_from_private(core::BytesView private_key);

// The Diffie-Hellman agreement. A wrong length or a peer key whose result is all zeros (a point of
// small order) is `bad_key`, so a hostile peer cannot force a known shared secret.
core::Result<core::SecretBytes> x25519_agree(const core::SecretBytes& private_key, const X25519PublicKey& peer);

// RFC 7748 X25519(k, u) on raw 32-byte strings: k is clamped and the top bit of u masked as the
// RFC says. Exposed for the RFC vectors; protocol code uses x25519_agree.
core::Result<core::Bytes> x25519_raw(core::BytesView scalar, core::BytesView u);

core::Bytes serialize_public_key(const X25519PublicKey& key);
// Exactly 33 bytes with type byte 0x05, else `bad_key` (the detail says which).
core::Result<X25519PublicKey> parse_public_key(core::BytesView serialized);

}  // namespace parley::crypto
