#include "parley/crypto/xeddsa.h"

#include <botan/sha2_64.h>
#include <sodium.h>

#include <algorithm>

#include "backend.h"
#include "parley/crypto/ed25519.h"

namespace parley::crypto {

using core::Errc;

namespace {

constexpr std::size_t kScalarSize = crypto_core_ed25519_SCALARBYTES;  // 32

// SHA-512 of the concatenated pieces reduced mod L, the "H(...) mod L" of RFC 8032 and XEdDSA.
template <typename... Pieces>
core::SecretBytes hash_to_scalar(const Pieces&... pieces) {
  Botan::SHA_512 h;
  (h.update(core::BytesView(pieces).data(), core::BytesView(pieces).size()), ...);
  core::SecretBytes wide(64);
  h.final(wide.data());
  core::SecretBytes scalar(kScalarSize);
  crypto_core_ed25519_scalar_reduce(scalar.data(), wide.data());
  return scalar;
}

// Domain separation of the nonce hash from Ed25519's own (libsignal: 0xFE then 31 bytes 0xFF).
constexpr std::array<std::uint8_t, 32> kNoncePrefix = [] {
  std::array<std::uint8_t, 32> p{};
  p.fill(0xff);
  p[0] = 0xfe;
  return p;
}();

}  // namespace

core::Result<XeddsaSigningKey> make_xeddsa_signing_key(const core::SecretBytes& private_key) {
  if (private_key.size() != kX25519KeySize) return core::make_error(Errc::bad_key, "private key must be 32 bytes");
  detail::ensure_sodium();
  // A = kB with k used as is (libsignal does not negate k, it records A's sign bit instead).
  XeddsaSigningKey key{private_key, {}};
  if (crypto_scalarmult_ed25519_base_noclamp(key.edwards_public.data(), private_key.data()) != 0)
    return core::make_error(Errc::bad_key, "private key is zero");
  return key;
}

core::Result<Signature> xeddsa_sign(const XeddsaSigningKey& key, core::BytesView message, core::BytesView random) {
  if (key.private_key.size() != kX25519KeySize) return core::make_error(Errc::bad_key, "private key must be 32 bytes");
  if (random.size() != kSignatureRandomSize)
    return core::make_error(Errc::malformed, "XEdDSA random input must be 64 bytes");
  detail::ensure_sodium();
  const std::uint8_t sign_bit = key.edwards_public[31] & 0x80;

  const core::SecretBytes r = hash_to_scalar(kNoncePrefix, key.private_key.view(), message, random);
  Signature signature{};
  if (crypto_scalarmult_ed25519_base_noclamp(signature.data(), r.data()) != 0)  // R = rB
    return core::make_error(Errc::internal, "nonce reduced to zero");
  const core::SecretBytes h = hash_to_scalar(core::BytesView(signature.data(), 32), key.edwards_public, message);

  core::SecretBytes wide_k(64);
  std::copy_n(key.private_key.data(), kScalarSize, wide_k.data());
  core::SecretBytes a(kScalarSize);
  crypto_core_ed25519_scalar_reduce(a.data(), wide_k.data());

  core::SecretBytes s(kScalarSize);
  crypto_core_ed25519_scalar_mul(s.data(), h.data(), a.data());  // s = h*a + r mod L
  crypto_core_ed25519_scalar_add(s.data(), s.data(), r.data());
  std::copy_n(s.data(), kScalarSize, signature.data() + 32);
  signature[63] = static_cast<std::uint8_t>((signature[63] & 0x7f) | sign_bit);
  return signature;
}

core::Result<Signature> xeddsa_sign(const core::SecretBytes& private_key, core::BytesView message,
                                    core::BytesView random) {
  PARLEY_TRY(const auto key, make_xeddsa_signing_key(private_key));
  return xeddsa_sign(key, message, random);
}

core::Result<Signature> xeddsa_sign(const core::SecretBytes& private_key, core::BytesView message, Entropy& entropy) {
  core::SecretBytes random(kSignatureRandomSize);
  PARLEY_CHECK(entropy.fill(random.span()));
  return xeddsa_sign(private_key, message, random.view());
}

core::Result<XeddsaVerifyingKey> make_xeddsa_verifying_key(const X25519PublicKey& public_key) {
  PARLEY_TRY(const auto y, montgomery_to_edwards(public_key, false));
  return XeddsaVerifyingKey{y};
}

core::Result<void> xeddsa_verify(const XeddsaVerifyingKey& key, core::BytesView message, core::BytesView signature) {
  if (signature.size() != kSignatureSize) return core::make_error(Errc::malformed, "signature must be 64 bytes");
  Signature ed_signature;
  std::copy(signature.begin(), signature.end(), ed_signature.begin());
  EdwardsPublicKey edwards_public = key.edwards_y;
  edwards_public[31] |= ed_signature[63] & 0x80;  // the sign of x travels in the signature
  ed_signature[63] &= 0x7f;
  return ed25519_verify(edwards_public, message, ed_signature);
}

core::Result<void> xeddsa_verify(const X25519PublicKey& public_key, core::BytesView message,
                                 core::BytesView signature) {
  if (signature.size() != kSignatureSize) return core::make_error(Errc::malformed, "signature must be 64 bytes");
  auto key = make_xeddsa_verifying_key(public_key);
  if (!key) return core::make_error(Errc::bad_signature, "public key has no Edwards form");
  return xeddsa_verify(*key, message, signature);
}

}  // namespace parley::crypto
