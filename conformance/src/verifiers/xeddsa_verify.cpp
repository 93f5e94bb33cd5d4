// Type `xeddsa-verify`: verify(public_key (33 bytes), message, signature) == valid. A rejection
// may come from parsing the key (bad_key) or from the signature (bad_signature, or malformed for a
// wrong length); an optional "error" field pins which.
#include "checks.h"
#include "parley/crypto/xeddsa.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_xeddsa_verify(const Case& c) {
  PARLEY_TRY(const auto public_key, c.bytes("public_key"));
  PARLEY_TRY(const auto message, c.bytes("message"));
  PARLEY_TRY(const auto signature, c.bytes("signature"));
  PARLEY_TRY(const auto valid, c.boolean("valid"));

  const core::Result<void> result = [&]() -> core::Result<void> {
    PARLEY_TRY(const auto key, crypto::parse_public_key(public_key));
    return crypto::xeddsa_verify(key, message, signature);
  }();
  return judge_validity(c, valid, result);
}

}  // namespace parley::conformance::detail
