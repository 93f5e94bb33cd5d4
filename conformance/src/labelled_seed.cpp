#include "parley/conformance/labelled_seed.h"

#include <cassert>

#include "parley/crypto/hash.h"
#include "parley/crypto/hkdf.h"
#include "parley/crypto/x25519.h"

namespace parley::conformance {

LabelledSeed::LabelledSeed(std::string_view name) : seed_(crypto::sha256(core::as_bytes(name))) {}

core::Bytes LabelledSeed::derive(std::string_view label, std::size_t length) const {
  if (length == 0) return {};  // HKDF refuses 0 bytes; an empty value needs no derivation
  // Generators ask for values far below HKDF's cap (the header's contract), so HKDF cannot fail.
  assert(length <= crypto::kHkdfSha256MaxLength);
  auto okm = crypto::hkdf_sha256(seed_, {}, core::as_bytes(label), length);
  assert(okm.ok());
  return okm ? okm->expose_copy() : core::Bytes{};
}

core::Bytes LabelledSeed::x25519_private_key(std::string_view label) const {
  auto key = derive(label, crypto::kX25519KeySize);
  crypto::clamp_private_key(std::span<std::uint8_t, crypto::kX25519KeySize>(key.data(), key.size()));
  return key;
}

}  // namespace parley::conformance
