// Type `hmac-sha256`: HMAC-SHA256(key, data) begins with mac. A mac shorter than 32 bytes is a
// truncated tag (RFC 4231 test case 5, libsignal's 8 bytes, media's 10), so the constant-time
// verification path that protocol code uses is run on it too.
#include "checks.h"
#include "parley/crypto/hmac.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_hmac_sha256(const Case& c) {
  PARLEY_TRY(const auto key, c.bytes("key"));
  PARLEY_TRY(const auto data, c.bytes("data"));
  PARLEY_TRY(const auto mac, c.bytes("mac"));
  if (mac.empty() || mac.size() > 32) return c.field_error("mac", "must hold 1 to 32 bytes");

  const auto full = crypto::hmac_sha256(key, data);
  if (auto o = compare("mac", mac, core::BytesView(full).first(mac.size())); failed(o)) return o;
  if (auto verified = crypto::hmac_sha256_verify(key, data, mac); !verified)
    return unexpected_error("hmac_sha256_verify", verified.error());
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
