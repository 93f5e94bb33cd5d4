#include "parley/crypto/x25519.h"

#include <sodium.h>

#include <algorithm>

#include "backend.h"

namespace parley::crypto {

using core::Errc;

void clamp_private_key(std::span<std::uint8_t, kX25519KeySize> key) {
  key[0] &= 248;
  key[31] &= 127;
  key[31] |= 64;
}

core::Result<X25519KeyPair> x25519_key_pair_from_private(core::BytesView private_key) {
  if (private_key.size() != kX25519KeySize) return core::make_error(Errc::bad_key, "private key must be 32 bytes");
  detail::ensure_sodium();
  X25519KeyPair pair{core::SecretBytes(private_key), {}};
  clamp_private_key(std::span<std::uint8_t, kX25519KeySize>(pair.private_key.data(), kX25519KeySize));
  if (crypto_scalarmult_curve25519_base(pair.public_key.data(), pair.private_key.data()) != 0)
    return core::make_error(Errc::bad_key, "private key gives no public key");
  return pair;
}

core::Result<X25519KeyPair> generate_x25519_key_pair(Entropy& entropy) {
  core::SecretBytes seed(kX25519KeySize);
  PARLEY_CHECK(entropy.fill(seed.span()));
  return x25519_key_pair_from_private(seed.view());
}

core::Result<core::SecretBytes> x25519_agree(const core::SecretBytes& private_key, const X25519PublicKey& peer) {
  if (private_key.size() != kX25519KeySize) return core::make_error(Errc::bad_key, "private key must be 32 bytes");
  detail::ensure_sodium();
  core::SecretBytes shared(kX25519KeySize);
  // libsodium clamps the scalar itself and returns -1 for an all-zero result (a small-order peer).
  if (crypto_scalarmult_curve25519(shared.data(), private_key.data(), peer.data()) != 0)
    return core::make_error(Errc::bad_key, "peer public key has small order");
  return shared;
}

core::Result<core::Bytes> x25519_raw(core::BytesView scalar, core::BytesView u) {
  if (scalar.size() != kX25519KeySize || u.size() != kX25519KeySize)
    return core::make_error(Errc::bad_key, "X25519 inputs are 32 bytes");
  detail::ensure_sodium();
  core::Bytes out(kX25519KeySize);
  if (crypto_scalarmult_curve25519(out.data(), scalar.data(), u.data()) != 0)
    return core::make_error(Errc::bad_key, "X25519 result is all zeros");
  return out;
}

core::Bytes serialize_public_key(const X25519PublicKey& key) {
  core::Bytes out;
  out.reserve(kSerializedPublicKeySize);
  out.push_back(kDjbKeyType);
  out.insert(out.end(), key.begin(), key.end());
  return out;
}

core::Result<X25519PublicKey> parse_public_key(core::BytesView serialized) {
  if (serialized.size() != kSerializedPublicKeySize)
    return core::make_error(Errc::bad_key, "serialized public key must be 33 bytes, got " +
                                               std::to_string(serialized.size()));
  if (serialized[0] != kDjbKeyType)
    return core::make_error(Errc::bad_key, "unknown key type byte " + std::to_string(serialized[0]));
  X25519PublicKey key;
  std::copy(serialized.begin() + 1, serialized.end(), key.begin());
  return key;
}

}  // namespace parley::crypto
