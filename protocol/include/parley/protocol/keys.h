// Identity keys, prekeys and the prekey bundle (spec §4).
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace parley::protocol {

using crypto::X25519KeyPair;
using crypto::X25519PublicKey;

struct PreKeyId {
  std::uint32_t value = 0;
  friend bool operator==(PreKeyId, PreKeyId) = default;
  friend auto operator<=>(PreKeyId, PreKeyId) = default;
};
struct SignedPreKeyId {
  std::uint32_t value = 0;
  friend bool operator==(SignedPreKeyId, SignedPreKeyId) = default;
  friend auto operator<=>(SignedPreKeyId, SignedPreKeyId) = default;
};
struct RegistrationId {
  std::uint32_t value = 0;
  friend bool operator==(RegistrationId, RegistrationId) = default;
};

struct OneTimePreKey {
  PreKeyId id;
  X25519KeyPair key;
  friend bool operator==(const OneTimePreKey&, const OneTimePreKey&) = default;
};

struct SignedPreKey {
  SignedPreKeyId id;
  X25519KeyPair key;
  crypto::Signature signature;  // XEdDSA by the identity key over serialize_public_key(key.public_key)
  friend bool operator==(const SignedPreKey&, const SignedPreKey&) = default;
};

// Signs a fresh signed prekey with the identity key (spec §4.2).
core::Result<SignedPreKey> generate_signed_prekey(const X25519KeyPair& identity, SignedPreKeyId id,
                                                  crypto::Entropy& entropy);

// What a server hands out for one device (spec §4.3).
struct PreKeyBundle {
  RegistrationId registration_id;
  std::uint32_t device_id = 0;
  X25519PublicKey identity_key;
  SignedPreKeyId signed_prekey_id;
  X25519PublicKey signed_prekey;
  crypto::Signature signed_prekey_signature;
  std::optional<PreKeyId> prekey_id;
  std::optional<X25519PublicKey> prekey;
};

// The signature over the 33-byte serialized signed prekey must verify under the identity key
// (`bad_signature`); a prekey id without a key or the reverse is `malformed`.
core::Result<void> verify_bundle(const PreKeyBundle& bundle);

}  // namespace parley::protocol
