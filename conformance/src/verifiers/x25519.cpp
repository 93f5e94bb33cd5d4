// Type `x25519`: libsignal-style key pairs and agreement with 33-byte public keys, and RFC 7748's
// raw function (kinds `scalarmult` and `iterated`).
#include "parley/crypto/x25519.h"

#include "checks.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

// The 33-byte serialization of the public key of `private_key` must equal `expected`.
Outcome check_public(std::string_view field, core::BytesView private_key, core::BytesView expected) {
  auto pair = crypto::x25519_key_pair_from_private(private_key);
  if (!pair) return unexpected_error("deriving " + std::string(field), pair.error());
  return compare(field, expected, crypto::serialize_public_key(pair->public_key));
}

Outcome check_agreement(std::string_view side, core::BytesView private_key, core::BytesView peer_public,
                        core::BytesView expected) {
  auto peer = crypto::parse_public_key(peer_public);
  if (!peer) return unexpected_error(std::string(side) + ": parsing the peer's public key", peer.error());
  auto shared = crypto::x25519_agree(core::SecretBytes(private_key), *peer);
  if (!shared) return unexpected_error(std::string(side) + ": agreement", shared.error());
  return compare(std::string(side) + " shared_secret", expected, shared->view());
}

core::Result<Outcome> verify_scalarmult(const Case& c) {
  PARLEY_TRY(const auto scalar, c.bytes("scalar"));
  PARLEY_TRY(const auto u, c.bytes("u_coordinate"));
  PARLEY_TRY(const auto output, c.bytes("output"));
  auto computed = crypto::x25519_raw(scalar, u);
  if (!computed) return unexpected_error("x25519_raw", computed.error());
  return compare("output", output, *computed);
}

// RFC 7748 §5.2: k = u = 9; repeat: k, u = X25519(k, u), k.
core::Result<Outcome> verify_iterated(const Case& c) {
  PARLEY_TRY(const auto iterations, c.uint("iterations"));
  PARLEY_TRY(const auto output, c.bytes("output"));
  core::Bytes k(crypto::kX25519KeySize, 0);
  k[0] = 9;
  core::Bytes u = k;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    auto r = crypto::x25519_raw(k, u);
    if (!r) return unexpected_error("x25519_raw at iteration " + std::to_string(i + 1), r.error());
    u = std::move(k);
    k = std::move(r).value();
  }
  return compare("output", output, k);
}

}  // namespace

core::Result<Outcome> verify_x25519_public_key(const Case& c) {
  PARLEY_TRY(const auto private_key, c.bytes("private"));
  PARLEY_TRY(const auto public_key, c.bytes("public"));
  return check_public("public", private_key, public_key);
}

// Both publics derive from their privates and both sides compute shared_secret. peer_private may
// be absent (null): then only our side's agreement is checked.
core::Result<Outcome> verify_x25519_agreement(const Case& c) {
  PARLEY_TRY(const auto private_key, c.bytes("private"));
  PARLEY_TRY(const auto public_key, c.bytes("public"));
  PARLEY_TRY(const auto peer_private, c.optional_bytes("peer_private"));
  PARLEY_TRY(const auto peer_public, c.bytes("peer_public"));
  PARLEY_TRY(const auto shared_secret, c.bytes("shared_secret"));

  if (auto o = check_public("public", private_key, public_key); failed(o)) return o;
  if (auto o = check_agreement("ours", private_key, peer_public, shared_secret); failed(o)) return o;
  if (!peer_private) return Outcome::pass();
  if (auto o = check_public("peer_public", *peer_private, peer_public); failed(o)) return o;
  return check_agreement("peer's", *peer_private, public_key, shared_secret);
}

core::Result<Outcome> verify_x25519(const Case& c) {
  PARLEY_TRY(const auto kind, c.string("kind"));
  if (kind == "agreement") return verify_x25519_agreement(c);
  if (kind == "public-key") return verify_x25519_public_key(c);
  if (kind == "scalarmult") return verify_scalarmult(c);
  if (kind == "iterated") return verify_iterated(c);
  return unsupported_kind(kind);
}

}  // namespace parley::conformance::detail
