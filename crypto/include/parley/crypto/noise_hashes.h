// The four hash functions Noise names (rev 34 §12.5-12.8) and HMAC over each (RFC 2104 with the
// hash's own block length), which Noise's HKDF needs. One enum rather than a class hierarchy: the
// set is closed by the spec, and a value type keeps the Noise states copyable and comparable.
#pragma once

#include <cstddef>
#include <initializer_list>

#include "parley/core/bytes.h"

namespace parley::crypto {

enum class NoiseHash { sha256, sha512, blake2s, blake2b };

// HASHLEN: 32 for SHA256 and BLAKE2s, 64 for SHA512 and BLAKE2b.
std::size_t hash_length(NoiseHash hash);
// BLOCKLEN: 64 for SHA256 and BLAKE2s, 128 for SHA512 and BLAKE2b.
std::size_t block_length(NoiseHash hash);

// Unkeyed hash of the concatenation of `parts` (saves the caller a copy for HMAC and MixHash).
core::Bytes noise_hash(NoiseHash hash, std::initializer_list<core::BytesView> parts);

// HMAC-HASH(key, data) per RFC 2104; never BLAKE2's keyed mode, which Noise does not use.
core::Bytes noise_hmac(NoiseHash hash, core::BytesView key, core::BytesView data);

}  // namespace parley::crypto
