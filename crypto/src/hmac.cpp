#include "parley/crypto/hmac.h"

#include <botan/hmac.h>
#include <botan/sha2_32.h>

#include <memory>

#include "parley/core/secret_bytes.h"

namespace parley::crypto {

Sha256Digest hmac_sha256(core::BytesView key, core::BytesView data) {
  Botan::HMAC mac(new Botan::SHA_256);  // Botan 2's HMAC takes ownership of the raw pointer
  mac.set_key(key.data(), key.size());
  mac.update(data.data(), data.size());
  Sha256Digest out;
  mac.final(out.data());
  return out;
}

core::Result<void> hmac_sha256_verify(core::BytesView key, core::BytesView data, core::BytesView tag) {
  if (tag.empty() || tag.size() > 32) return core::make_error(core::Errc::malformed, "HMAC tag length out of range");
  Sha256Digest expected = hmac_sha256(key, data);
  const bool equal = core::constant_time_equal(core::BytesView(expected.data(), tag.size()), tag);
  core::secure_zero(expected.data(), expected.size());
  if (!equal) return core::make_error(core::Errc::decrypt_failed, "MAC mismatch");
  return {};
}

struct HmacSha256::Impl {
  Botan::HMAC mac{new Botan::SHA_256};
};

HmacSha256::HmacSha256(core::BytesView key) : impl_(std::make_unique<Impl>()) {
  impl_->mac.set_key(key.data(), key.size());
}
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;
HmacSha256::~HmacSha256() = default;  // Botan's HMAC clears its keyed state on destruction

void HmacSha256::update(core::BytesView data) { impl_->mac.update(data.data(), data.size()); }

Sha256Digest HmacSha256::final() {
  Sha256Digest out;
  impl_->mac.final(out.data());
  return out;
}

}  // namespace parley::crypto
