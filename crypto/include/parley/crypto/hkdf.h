// HKDF-SHA256 (RFC 5869, Botan).
#pragma once

#include <cstddef>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"

namespace parley::crypto {

// RFC 5869 caps the output at 255 hash lengths (8160 bytes). Botan 2 quietly returns fewer bytes
// than asked beyond that; we refuse with `limit_exceeded` instead. A length of 0 is `malformed`.
inline constexpr std::size_t kHkdfSha256MaxLength = 255 * 32;

core::Result<core::SecretBytes> hkdf_sha256(core::BytesView ikm, core::BytesView salt, core::BytesView info,
                                            std::size_t length);

}  // namespace parley::crypto
