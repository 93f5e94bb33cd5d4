// Type `hkdf`: HKDF-SHA256(ikm, salt, info, length) == okm (RFC 5869).
#include "parley/crypto/hkdf.h"

#include "checks.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_hkdf(const Case& c) {
  PARLEY_TRY(const auto ikm, c.bytes("ikm"));
  PARLEY_TRY(const auto salt, c.bytes("salt"));
  PARLEY_TRY(const auto info, c.bytes("info"));
  PARLEY_TRY(const auto length, c.uint("length"));
  PARLEY_TRY(const auto okm, c.bytes("okm"));
  if (okm.size() != length)
    return c.field_error("okm", "holds " + std::to_string(okm.size()) + " bytes, not length");

  auto derived = crypto::hkdf_sha256(ikm, salt, info, static_cast<std::size_t>(length));
  if (!derived) return unexpected_error("hkdf_sha256", derived.error());
  return compare("okm", okm, derived->view());
}

}  // namespace parley::conformance::detail
