// libsignal-protocol-c's crypto provider on Botan 2. The callbacks are called from C: no exception
// may leave them, so each one turns a Botan failure into a libsignal error code.
#include "botan_crypto_provider.h"
#include "guarded.h"

#include <botan/cipher_mode.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/stream_cipher.h>

#include <memory>
#include <string>

namespace parley::testing::libsignal_c {
namespace {

int set_output(signal_buffer** output, const std::uint8_t* data, std::size_t len) {
  signal_buffer* buffer = signal_buffer_create(data, len);
  if (buffer == nullptr) return SG_ERR_NOMEM;
  *output = buffer;
  return SG_SUCCESS;
}

int random_bytes(std::uint8_t* data, std::size_t len, void* user_data) {
  return guarded([&] {
    static_cast<Botan::RandomNumberGenerator*>(user_data)->randomize(data, len);
    return SG_SUCCESS;
  });
}

int hmac_sha256_init(void** hmac_context, const std::uint8_t* key, std::size_t key_len, void*) {
  return guarded([&] {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key, key_len);
    *hmac_context = mac.release();
    return SG_SUCCESS;
  });
}

int hmac_sha256_update(void* hmac_context, const std::uint8_t* data, std::size_t data_len, void*) {
  return guarded([&] {
    static_cast<Botan::MessageAuthenticationCode*>(hmac_context)->update(data, data_len);
    return SG_SUCCESS;
  });
}

int hmac_sha256_final(void* hmac_context, signal_buffer** output, void*) {
  return guarded([&] {
    const auto tag = static_cast<Botan::MessageAuthenticationCode*>(hmac_context)->final();
    return set_output(output, tag.data(), tag.size());
  });
}

void hmac_sha256_cleanup(void* hmac_context, void*) {
  delete static_cast<Botan::MessageAuthenticationCode*>(hmac_context);
}

int sha512_init(void** digest_context, void*) {
  return guarded([&] {
    *digest_context = Botan::HashFunction::create_or_throw("SHA-512").release();
    return SG_SUCCESS;
  });
}

int sha512_update(void* digest_context, const std::uint8_t* data, std::size_t data_len, void*) {
  return guarded([&] {
    static_cast<Botan::HashFunction*>(digest_context)->update(data, data_len);
    return SG_SUCCESS;
  });
}

// Botan's final() also resets the hash, which the library relies on: it reuses one context for
// several digests.
int sha512_final(void* digest_context, signal_buffer** output, void*) {
  return guarded([&] {
    const auto digest = static_cast<Botan::HashFunction*>(digest_context)->final();
    return set_output(output, digest.data(), digest.size());
  });
}

void sha512_cleanup(void* digest_context, void*) { delete static_cast<Botan::HashFunction*>(digest_context); }

// AES-CBC with PKCS#5/7 padding carries every message body; AES-CTR only appears in code paths
// (legacy v2 sessions) that a v3 peer never takes, but it costs nothing to provide.
int aes(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t key_len,
        const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* input, std::size_t input_len,
        Botan::Cipher_Dir direction) {
  if (key_len != 16 && key_len != 24 && key_len != 32) return SG_ERR_INVAL;
  if (iv_len != 16) return SG_ERR_INVAL;
  return guarded([&] {
    const std::string aes_name = "AES-" + std::to_string(key_len * 8);
    Botan::secure_vector<std::uint8_t> buffer(input, input + input_len);
    if (cipher == SG_CIPHER_AES_CBC_PKCS5) {
      auto mode = Botan::Cipher_Mode::create_or_throw(aes_name + "/CBC/PKCS7", direction);
      mode->set_key(key, key_len);
      mode->start(iv, iv_len);
      mode->finish(buffer);  // a bad padding on decryption throws, and becomes SG_ERR_UNKNOWN
    } else if (cipher == SG_CIPHER_AES_CTR_NOPADDING) {
      auto ctr = Botan::StreamCipher::create_or_throw("CTR-BE(" + aes_name + ")");
      ctr->set_key(key, key_len);
      ctr->set_iv(iv, iv_len);
      ctr->cipher1(buffer.data(), buffer.size());
    } else {
      return SG_ERR_INVAL;
    }
    return set_output(output, buffer.data(), buffer.size());
  });
}

int encrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t key_len,
            const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* plaintext,
            std::size_t plaintext_len, void*) {
  return aes(output, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len, Botan::ENCRYPTION);
}

int decrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t key_len,
            const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* ciphertext,
            std::size_t ciphertext_len, void*) {
  return aes(output, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len, Botan::DECRYPTION);
}

}  // namespace

signal_crypto_provider make_botan_crypto_provider(Botan::RandomNumberGenerator& rng) {
  signal_crypto_provider provider{};
  provider.random_func = random_bytes;
  provider.hmac_sha256_init_func = hmac_sha256_init;
  provider.hmac_sha256_update_func = hmac_sha256_update;
  provider.hmac_sha256_final_func = hmac_sha256_final;
  provider.hmac_sha256_cleanup_func = hmac_sha256_cleanup;
  provider.sha512_digest_init_func = sha512_init;
  provider.sha512_digest_update_func = sha512_update;
  provider.sha512_digest_final_func = sha512_final;
  provider.sha512_digest_cleanup_func = sha512_cleanup;
  provider.encrypt_func = encrypt;
  provider.decrypt_func = decrypt;
  provider.user_data = &rng;
  return provider;
}

}  // namespace parley::testing::libsignal_c
