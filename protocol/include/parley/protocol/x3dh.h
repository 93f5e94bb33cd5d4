// X3DH key agreement with libsignal's derivation (spec §5.1).
#pragma once

#include <optional>

#include "parley/core/secret_array.h"
#include "parley/protocol/keys.h"

namespace parley::protocol {

struct X3dhSecret {
  core::Key32 root_key;
  core::Key32 chain_key;
};

// The initiator ("Alice"): DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B),
// DH4 = DH(EK_A, OPK_B) when a one-time prekey is used.
struct X3dhInitiatorInput {
  const X25519KeyPair& our_identity;
  const X25519KeyPair& our_base_key;  // EK_A
  const X25519PublicKey& their_identity;
  const X25519PublicKey& their_signed_prekey;
  const std::optional<X25519PublicKey>& their_one_time_prekey;
};

struct X3dhResponderInput {
  const X25519KeyPair& our_identity;
  const X25519KeyPair& our_signed_prekey;
  const X25519KeyPair* our_one_time_prekey;  // null when the message names none
  const X25519PublicKey& their_identity;
  const X25519PublicKey& their_base_key;
};

// HKDF(salt = 32 zero bytes, ikm = 0xFF*32 || DH1 || DH2 || DH3 [|| DH4], info = "WhisperText", 64).
core::Result<X3dhSecret> x3dh_initiator(const X3dhInitiatorInput& in);
core::Result<X3dhSecret> x3dh_responder(const X3dhResponderInput& in);

}  // namespace parley::protocol
