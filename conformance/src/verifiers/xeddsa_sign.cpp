// Type `xeddsa-sign`: sign(private_key, message, random) == signature, and the signature verifies
// under the public key of private_key (a signer whose output its own verifier rejects is broken
// even when it matches the vector).
#include "checks.h"
#include "parley/crypto/xeddsa.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_xeddsa_sign(const Case& c) {
  PARLEY_TRY(const auto private_key, c.bytes("private_key"));
  PARLEY_TRY(const auto message, c.bytes("message"));
  PARLEY_TRY(const auto random, c.bytes("random"));
  PARLEY_TRY(const auto signature, c.bytes("signature"));

  const core::SecretBytes secret(private_key);
  auto computed = crypto::xeddsa_sign(secret, message, random);
  if (!computed) return unexpected_error("xeddsa_sign", computed.error());
  if (auto o = compare("signature", signature, *computed); failed(o)) return o;

  auto pair = crypto::x25519_key_pair_from_private(private_key);
  if (!pair) return unexpected_error("deriving the public key", pair.error());
  if (auto verified = crypto::xeddsa_verify(pair->public_key, message, signature); !verified)
    return unexpected_error("verifying the signature", verified.error());
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
