// CipherState (rev 34 §5.1): a key k (maybe empty) and a 64-bit nonce n. spec §6.3.
//
// k is held as a crypto::AeadKey, so that the cipher's key schedule runs once per key rather than
// once per message; copies and == still see only the key and n.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_array.h"
#include "parley/crypto/aead_key.h"
#include "parley/crypto/cipher.h"

namespace parley::transport::noise {

class CipherState {
 public:
  explicit CipherState(crypto::Aead cipher) : cipher_(cipher) {}

  // InitializeKey: sets k and resets n to 0.
  void initialize_key(const core::Key32& key);
  bool has_key() const { return key_.has_value(); }
  std::uint64_t nonce() const { return n_; }

  // For tests and for a transport that carries explicit nonces: n may only move forward, so a
  // caller cannot make the state reuse a nonce (noise-c's SetNonce rule).
  core::Result<void> set_nonce(std::uint64_t n);

  // Without a key both return the input unchanged (§5.1). With a key: n == 2^64-1 is
  // `limit_exceeded`; a message over 65535 bytes is `limit_exceeded`; a bad tag is `decrypt_failed`.
  // n advances only on success, so a forged message never costs the real one its nonce.
  core::Result<core::Bytes> encrypt_with_ad(core::BytesView ad, core::BytesView plaintext);
  core::Result<core::Bytes> decrypt_with_ad(core::BytesView ad, core::BytesView ciphertext);
  // The same into `out`, whose capacity is reused, so that a transport keeping one buffer per
  // direction does not allocate per message. `out` must not overlap the input; after a failure it
  // is empty.
  core::Result<void> encrypt_with_ad(core::BytesView ad, core::BytesView plaintext, core::Bytes& out);
  core::Result<void> decrypt_with_ad(core::BytesView ad, core::BytesView ciphertext, core::Bytes& out);

  // REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64-1, "", 32 zeros); n is unchanged (§4.2, §11.3).
  // Without a key: `no_session`.
  core::Result<void> rekey();

  friend bool operator==(const CipherState&, const CipherState&) = default;

 private:
  crypto::Aead cipher_;
  std::optional<crypto::AeadKey> key_;
  std::uint64_t n_ = 0;
};

}  // namespace parley::transport::noise
