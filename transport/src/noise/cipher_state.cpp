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
  key_ = key;
  n_ = 0;
}

core::Result<void> CipherState::set_nonce(std::uint64_t n) {
  if (n < n_) return core::make_error(core::Errc::malformed, "Noise nonce may not move backwards");
  n_ = n;
  return {};
}

core::Result<core::Bytes> CipherState::encrypt_with_ad(core::BytesView ad, core::BytesView plaintext) {
  if (!key_) return core::to_bytes(plaintext);
  if (plaintext.size() > kMaxPlaintextLength)
    return core::make_error(core::Errc::limit_exceeded, "Noise message over 65535 bytes");
  if (n_ == kMaxNonce) return exhausted();
  const auto nonce = encode_nonce(cipher_, n_);
  PARLEY_TRY(auto out, crypto::aead_seal(cipher_, key_->view(), nonce, ad, plaintext));
  ++n_;
  return out;
}

core::Result<core::Bytes> CipherState::decrypt_with_ad(core::BytesView ad, core::BytesView ciphertext) {
  if (!key_) return core::to_bytes(ciphertext);
  if (ciphertext.size() > kMaxMessageLength)
    return core::make_error(core::Errc::limit_exceeded, "Noise message over 65535 bytes");
  if (n_ == kMaxNonce) return exhausted();
  if (ciphertext.size() < kTagLength)
    return core::make_error(core::Errc::decrypt_failed, "Noise message too short");
  const auto nonce = encode_nonce(cipher_, n_);
  PARLEY_TRY(auto out, crypto::aead_open(cipher_, key_->view(), nonce, ad, ciphertext));
  ++n_;
  return out;
}

core::Result<void> CipherState::rekey() {
  if (!key_) return core::make_error(core::Errc::no_session, "Noise rekey without a key");
  const std::array<std::uint8_t, kCipherKeyLength> zeros{};
  const auto nonce = encode_nonce(cipher_, kMaxNonce);
  PARLEY_TRY(auto sealed, crypto::aead_seal(cipher_, key_->view(), nonce, {}, zeros));
  key_ = core::Key32(core::BytesView(sealed).first(kCipherKeyLength));
  core::secure_zero(sealed.data(), sealed.size());
  return {};
}

}  // namespace parley::transport::noise
