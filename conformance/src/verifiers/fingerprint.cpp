// Type `fingerprint` (tests/data/external): libsignal's 60-digit safety number from both sides'
// stable ids and identity keys, computed both ways round (it must not depend on which side asks).
#include "checks.h"
#include "parley/protocol/fingerprint.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_fingerprint(const Case& c) {
  PARLEY_TRY(const auto iterations, c.uint("iterations"));
  if (iterations == 0 || iterations > 100'000) return c.field_error("iterations", "must be 1 to 100,000");
  PARLEY_TRY(const auto local_id, c.string("local_stable_id"));
  PARLEY_TRY(const auto remote_id, c.string("remote_stable_id"));
  PARLEY_TRY(const auto local_key_bytes, c.bytes("local_identity_key"));
  PARLEY_TRY(const auto remote_key_bytes, c.bytes("remote_identity_key"));
  PARLEY_TRY(const auto display, c.string("display"));
  auto local_key = crypto::parse_public_key(local_key_bytes);
  if (!local_key.ok()) return unexpected_error("parsing local_identity_key", local_key.error());
  auto remote_key = crypto::parse_public_key(remote_key_bytes);
  if (!remote_key.ok()) return unexpected_error("parsing remote_identity_key", remote_key.error());
  const protocol::FingerprintSide local{local_id, *local_key}, remote{remote_id, *remote_key};
  const auto n = static_cast<std::uint32_t>(iterations);
  const auto ours = protocol::safety_number(local, remote, n);
  if (ours != display) return Outcome::fail("display: expected " + display + ", got " + ours);
  if (protocol::safety_number(remote, local, n) != display) return Outcome::fail("display differs when computed by the other side");
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
