// Symmetric ciphers (Botan): AES-256-CBC with PKCS#7 padding for Signal messages and media,
// and the two AEADs Noise uses. Every failure to authenticate or unpad is `decrypt_failed`,
// so no caller can build a padding oracle by telling them apart.
#pragma once

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::crypto {

inline constexpr std::size_t kAes256KeySize = 32;
inline constexpr std::size_t kAesCbcIvSize = 16;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;

// Wrong key or IV length: `malformed`.
core::Result<core::Bytes> aes256_cbc_encrypt(core::BytesView key, core::BytesView iv, core::BytesView plaintext);
core::Result<core::Bytes> aes256_cbc_decrypt(core::BytesView key, core::BytesView iv, core::BytesView ciphertext);

enum class Aead { aes256_gcm, chacha20_poly1305 };

// Output is ciphertext || 16-byte tag. The nonce is always explicit (12 bytes): the callers
// (Noise, media) own their nonce discipline.
core::Result<core::Bytes> aead_seal(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView plaintext);
core::Result<core::Bytes> aead_open(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView ciphertext_and_tag);

}  // namespace parley::crypto
