#include "parley/crypto/cipher.h"

#include <botan/aes.h>
#include <botan/cbc.h>
#include <botan/chacha20poly1305.h>
#include <botan/gcm.h>
#include <botan/mode_pad.h>

#include <memory>

#include "backend.h"

namespace parley::crypto {
namespace {

using core::Errc;

core::Result<void> check_sizes(core::BytesView key, core::BytesView iv, std::size_t iv_size) {
  if (key.size() != kAes256KeySize) return core::make_error(Errc::malformed, "key must be 32 bytes");
  if (iv.size() != iv_size) return core::make_error(Errc::malformed, "IV/nonce has the wrong length");
  return {};
}

// Runs one whole-message operation on a Botan mode; authentication and padding errors come out of
// finish() as Botan exceptions and are all reported as decrypt_failed. `ad` is set for AEAD modes
// (after the key: GCM needs its hash key first).
core::Result<core::Bytes> run_mode(Botan::Cipher_Mode& mode, core::BytesView key, core::BytesView iv,
                                   core::BytesView input, const core::BytesView* ad = nullptr) {
  return detail::guard(Errc::decrypt_failed, [&]() -> core::Result<core::Bytes> {
    mode.set_key(key.data(), key.size());
    if (ad != nullptr) {
      // Set for every message, even when empty: a Botan mode keeps the previous one otherwise.
      static_cast<Botan::AEAD_Mode&>(mode).set_associated_data(ad->data(), ad->size());
    }
    mode.start(iv.data(), iv.size());
    Botan::secure_vector<std::uint8_t> buf(input.begin(), input.end());
    mode.finish(buf);
    return core::Bytes(buf.begin(), buf.end());
  });
}

std::unique_ptr<Botan::AEAD_Mode> make_aead(Aead aead, bool encrypt) {
  switch (aead) {
    case Aead::aes256_gcm:
      if (encrypt) return std::make_unique<Botan::GCM_Encryption>(new Botan::AES_256, kAeadTagSize);
      return std::make_unique<Botan::GCM_Decryption>(new Botan::AES_256, kAeadTagSize);
    case Aead::chacha20_poly1305:
      if (encrypt) return std::make_unique<Botan::ChaCha20Poly1305_Encryption>();
      return std::make_unique<Botan::ChaCha20Poly1305_Decryption>();
  }
  return nullptr;
}

core::Result<core::Bytes> run_aead(Aead aead, bool encrypt, core::BytesView key, core::BytesView nonce,
                                   core::BytesView ad, core::BytesView input) {
  PARLEY_CHECK(check_sizes(key, nonce, kAeadNonceSize));
  if (!encrypt && input.size() < kAeadTagSize) return core::make_error(Errc::decrypt_failed, "shorter than the tag");
  auto mode = make_aead(aead, encrypt);
  return run_mode(*mode, key, nonce, input, &ad);
}

}  // namespace

core::Result<core::Bytes> aes256_cbc_encrypt(core::BytesView key, core::BytesView iv, core::BytesView plaintext) {
  PARLEY_CHECK(check_sizes(key, iv, kAesCbcIvSize));
  Botan::CBC_Encryption mode(new Botan::AES_256, new Botan::PKCS7_Padding);
  return run_mode(mode, key, iv, plaintext);
}

core::Result<core::Bytes> aes256_cbc_decrypt(core::BytesView key, core::BytesView iv, core::BytesView ciphertext) {
  PARLEY_CHECK(check_sizes(key, iv, kAesCbcIvSize));
  if (ciphertext.empty() || ciphertext.size() % 16 != 0)
    return core::make_error(Errc::decrypt_failed, "ciphertext is not a whole number of blocks");
  Botan::CBC_Decryption mode(new Botan::AES_256, new Botan::PKCS7_Padding);
  return run_mode(mode, key, iv, ciphertext);
}

core::Result<core::Bytes> aead_seal(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView plaintext) {
  return run_aead(aead, true, key, nonce, ad, plaintext);
}

core::Result<core::Bytes> aead_open(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView ciphertext_and_tag) {
  return run_aead(aead, false, key, nonce, ad, ciphertext_and_tag);
}

}  // namespace parley::crypto
