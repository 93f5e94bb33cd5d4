#include "parley/crypto/cipher.h"

#include <botan/aes.h>
#include <botan/cbc.h>
#include <botan/mode_pad.h>

#include "backend.h"
#include "parley/crypto/aead_key.h"

namespace parley::crypto {
namespace {

using core::Errc;

core::Result<void> check_sizes(core::BytesView key, core::BytesView iv, std::size_t iv_size) {
  if (key.size() != kAes256KeySize) return core::make_error(Errc::malformed, "key must be 32 bytes");
  if (iv.size() != iv_size) return core::make_error(Errc::malformed, "IV/nonce has the wrong length");
  return {};
}

// Runs one whole-message CBC operation on a Botan mode; padding errors come out of finish() as
// Botan exceptions and are all reported as decrypt_failed.
core::Result<core::Bytes> run_mode(Botan::Cipher_Mode& mode, core::BytesView key, core::BytesView iv,
                                   core::BytesView input) {
  return detail::guard(Errc::decrypt_failed, [&]() -> core::Result<core::Bytes> {
    mode.set_key(key.data(), key.size());
    mode.start(iv.data(), iv.size());
    Botan::secure_vector<std::uint8_t> buf(input.begin(), input.end());
    mode.finish(buf);
    return core::Bytes(buf.begin(), buf.end());
  });
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

// One message under a key used once: the keyed object of aead_key.h, keyed for this call.
core::Result<core::Bytes> aead_seal(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView plaintext) {
  PARLEY_CHECK(check_sizes(key, nonce, kAeadNonceSize));
  return AeadKey(aead, core::Key32(key)).seal(nonce, ad, plaintext);
}

core::Result<core::Bytes> aead_open(Aead aead, core::BytesView key, core::BytesView nonce, core::BytesView ad,
                                    core::BytesView ciphertext_and_tag) {
  PARLEY_CHECK(check_sizes(key, nonce, kAeadNonceSize));
  return AeadKey(aead, core::Key32(key)).open(nonce, ad, ciphertext_and_tag);
}

}  // namespace parley::crypto
