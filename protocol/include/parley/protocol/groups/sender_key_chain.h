// The sender chain's key derivation (spec §11.1). The chain step and the message seed are the
// Double Ratchet's (kdf.h): seed_i = HMAC-SHA256(CK_i, 0x01), CK_{i+1} = HMAC-SHA256(CK_i, 0x02).
// Only the expansion of a seed into an IV and a cipher key is the group's own.
#pragma once

#include "parley/core/error.h"
#include "parley/core/secret_array.h"

namespace parley::protocol::groups {

struct SenderMessageKeys {
  core::SecretArray<16> iv;
  core::Key32 cipher_key;
};

// HKDF-SHA256(salt = 32 zero bytes, ikm = seed, info = "WhisperGroup", 48) = iv 16 || key 32.
core::Result<SenderMessageKeys> sender_message_keys(const core::Key32& seed);

}  // namespace parley::protocol::groups
