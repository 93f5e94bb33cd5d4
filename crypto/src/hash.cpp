#include "parley/crypto/hash.h"

#include <botan/sha2_32.h>
#include <botan/sha2_64.h>

namespace parley::crypto {

// The concrete classes, not HashFunction::create("SHA-256"): no name lookup per call.
Sha256Digest sha256(core::BytesView data) {
  Botan::SHA_256 h;
  h.update(data.data(), data.size());
  Sha256Digest out;
  h.final(out.data());
  return out;
}

Sha512Digest sha512(core::BytesView data) {
  Botan::SHA_512 h;
  h.update(data.data(), data.size());
  Sha512Digest out;
  h.final(out.data());
  return out;
}

struct Sha256::Impl {
  Botan::SHA_256 hash;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(core::BytesView data) { impl_->hash.update(data.data(), data.size()); }

Sha256Digest Sha256::final() {
  Sha256Digest out;
  impl_->hash.final(out.data());
  return out;
}

}  // namespace parley::crypto
