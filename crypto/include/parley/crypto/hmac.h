// HMAC-SHA256 (Botan) and its constant-time verification.
#pragma once

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/hash.h"

namespace parley::crypto {

Sha256Digest hmac_sha256(core::BytesView key, core::BytesView data);

// Checks `tag` against HMAC-SHA256(key, data) truncated to tag.size() bytes (libsignal sends
// 8 bytes, media 10), comparing in constant time. An empty tag or one longer than 32 bytes is
// `malformed`; a mismatch is `decrypt_failed`, the same code as every other authentication failure.
core::Result<void> hmac_sha256_verify(core::BytesView key, core::BytesView data, core::BytesView tag);

}  // namespace parley::crypto
