// The verifier of each vector type, one source file per type (spec/test-vectors.md, one section
// each). crypto-basics reuses the checks of the single-primitive types for its kinds.
#pragma once

#include "parley/conformance/outcome.h"
#include "parley/conformance/vector_file.h"
#include "parley/core/error.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_hkdf(const Case& c);
core::Result<Outcome> verify_hmac_sha256(const Case& c);

core::Result<Outcome> verify_x25519(const Case& c);  // dispatches on "kind"
core::Result<Outcome> verify_x25519_agreement(const Case& c);
core::Result<Outcome> verify_x25519_public_key(const Case& c);

core::Result<Outcome> verify_xeddsa_verify(const Case& c);
core::Result<Outcome> verify_xeddsa_sign(const Case& c);
core::Result<Outcome> verify_ed25519_verify(const Case& c);

core::Result<Outcome> verify_crypto_basics(const Case& c);  // dispatches on "kind"

core::Result<Outcome> verify_signal_ratchet_kdf(const Case& c);
core::Result<Outcome> verify_signal_session_setup(const Case& c);  // dispatches on "kind"
core::Result<Outcome> verify_signal_transcript(const Case& c);
core::Result<Outcome> verify_x3dh(const Case& c);
core::Result<Outcome> verify_ratchet_transcript(const Case& c);
core::Result<Outcome> verify_session_negative(const Case& c);
core::Result<Outcome> verify_noise(const Case& c);  // both Noise vector formats
core::Result<Outcome> verify_noise_pipes(const Case& c);
core::Result<Outcome> verify_device_link(const Case& c);
core::Result<Outcome> verify_fanout(const Case& c);
core::Result<Outcome> verify_fingerprint(const Case& c);  // dispatches on "kind"
core::Result<Outcome> verify_receipts(const Case& c);
core::Result<Outcome> verify_whatsapp_media(const Case& c);
core::Result<Outcome> verify_signal_sender_key(const Case& c);
core::Result<Outcome> verify_group_membership(const Case& c);

}  // namespace parley::conformance::detail
