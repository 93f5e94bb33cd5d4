#include "parley/transport/noise/cipher_state.h"

#include <array>

#include "parley/transport/noise/limits.h"

namespace parley::transport::noise {

namespace {

// 4 zero bytes, then n: big-endian for AESGCM (§12.3), little-endian for ChaChaPoly (§12.4,
// RFC 7539's IETF layout).
std::array<std::uint8_t, crypto::kAeadNonceSize> encode_nonce(crypto::Aead cipher, std::uint64_t n) {
  std::array<std::uint8_t, crypto::kAeadNonceSize> out{};
  for (std::size_t i = 0; i < 8; ++i) {
    const auto byte = static_cast<std::uint8_t>(n >> (8 * i));
    if (cipher == crypto::Aead::aes256_gcm) {
      out[11 - i] = byte;
    } else {
      out[4 + i] = byte;
    }
  }
  return out;
}

core::Error exhausted() { return core::make_error(core::Errc::limit_exceeded, "Noise nonce exhausted"); }

}  // namespace

void CipherState::initialize_key(const core::Key32& key) {
  key_.emplace(cipher_, key);
  n_ = 0;
}

core::Result<void> CipherState::set_nonce(std::uint64_t n) {
  if (n < n_) return core::make_error(core::Errc::malformed, "Noise nonce may not move backwards");
  n_ = n;
  return {};
}

core::Result<void> CipherState::encrypt_with_ad(core::BytesView ad, core::BytesView plaintext,
                                                core::Bytes& out) {
  out.clear();
  if (!key_) {
    out.assign(plaintext.begin(), plaintext.end());
    return {};
  }
  if (plaintext.size() > kMaxPlaintextLength)
    return core::make_error(core::Errc::limit_exceeded, "Noise message over 65535 bytes");
  if (n_ == kMaxNonce) return exhausted();
  PARLEY_CHECK(key_->seal(encode_nonce(cipher_, n_), ad, plaintext, out));
  ++n_;
  return {};
}

core::Result<void> CipherState::decrypt_with_ad(core::BytesView ad, core::BytesView ciphertext,
                                                core::Bytes& out) {
  out.clear();
  if (!key_) {
    out.assign(ciphertext.begin(), ciphertext.end());
    return {};
  }
  if (ciphertext.size() > kMaxMessageLength)
    return core::make_error(core::Errc::limit_exceeded, "Noise message over 65535 bytes");
  if (n_ == kMaxNonce) return exhausted();
  if (ciphertext.size() < kTagLength)
    return core::make_error(core::Errc::decrypt_failed, "Noise message too short");
  PARLEY_CHECK(key_->open(encode_nonce(cipher_, n_), ad, ciphertext, out));
  ++n_;
  return {};
}

core::Result<core::Bytes> CipherState::encrypt_with_ad(core::BytesView ad, core::BytesView plaintext) {
  core::Bytes out;
  PARLEY_CHECK(encrypt_with_ad(ad, plaintext, out));
  return out;
}

core::Result<core::Bytes> CipherState::decrypt_with_ad(core::BytesView ad, core::BytesView ciphertext) {
  core::Bytes out;
  PARLEY_CHECK(decrypt_with_ad(ad, ciphertext, out));
  return out;
}

core::Result<void> CipherState::rekey() {
  if (!key_) return core::make_error(core::Errc::no_session, "Noise rekey without a key");
  const std::array<std::uint8_t, kCipherKeyLength> zeros{};
  core::Bytes sealed;
  PARLEY_CHECK(key_->seal(encode_nonce(cipher_, kMaxNonce), {}, zeros, sealed));
  key_.emplace(cipher_, core::Key32(core::BytesView(sealed).first(kCipherKeyLength)));
  core::secure_zero(sealed.data(), sealed.size());
  return {};
}

}  // namespace parley::transport::noise
