// The key derivations of the Double Ratchet as libsignal defines them (spec §5.2).
#pragma once

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_array.h"

namespace parley::protocol {

using core::Key32;

struct RootStep {
  Key32 root_key;
  Key32 chain_key;
};

// (RK', CK) = HKDF(salt = RK, ikm = dh, info = "WhisperRatchet", 64).
core::Result<RootStep> kdf_root(const Key32& root_key, core::BytesView dh_output);

// CK' = HMAC-SHA256(CK, 0x02).
Key32 kdf_chain_next(const Key32& chain_key);

// The message key seed MK = HMAC-SHA256(CK, 0x01). Skipped keys are stored as seeds and expanded
// only when used, which halves the work of skipping.
Key32 kdf_message_seed(const Key32& chain_key);

struct MessageKeys {
  Key32 cipher_key;
  Key32 mac_key;
  core::SecretArray<16> iv;
};

// HKDF(salt = 32 zero bytes, ikm = MK, info = "WhisperMessageKeys", 80) = cipher || mac || iv.
core::Result<MessageKeys> kdf_message_keys(const Key32& seed);

}  // namespace parley::protocol
