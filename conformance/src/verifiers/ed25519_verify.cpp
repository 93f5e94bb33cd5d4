// Type `ed25519-verify`: plain Ed25519 (RFC 8032) with 32-byte Edwards public keys, run through the
// same strict verification XEdDSA signatures end in.
#include <algorithm>

#include "checks.h"
#include "parley/crypto/ed25519.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_ed25519_verify(const Case& c) {
  PARLEY_TRY(const auto public_key, c.bytes("public_key"));
  PARLEY_TRY(const auto message, c.bytes("message"));
  PARLEY_TRY(const auto signature, c.bytes("signature"));
  PARLEY_TRY(const auto valid, c.boolean("valid"));

  const core::Result<void> result = [&]() -> core::Result<void> {
    // A key of the wrong length is a bad key, the same code parse_public_key gives.
    if (public_key.size() != 32)
      return core::make_error(core::Errc::bad_key, "Edwards public key must be 32 bytes");
    crypto::EdwardsPublicKey key;
    std::copy(public_key.begin(), public_key.end(), key.begin());
    return crypto::ed25519_verify(key, message, signature);
  }();
  return judge_validity(c, valid, result);
}

}  // namespace parley::conformance::detail
