// AeadKey: one of the AEADs of cipher.h with its key schedule done once, for callers that seal or
// open many messages under the same key (a Noise CipherState, spec §6.3). aead_seal/aead_open key
// a fresh one per call.
//
// A value type: copies and comparisons see the algorithm and the key only. The Botan objects
// behind it are a cache, made on first use in each direction (a Noise CipherState only ever seals
// or only ever opens), never shared, and a copy starts without them, keying its own from the
// stored key when it is first used. A moved-from key may only be assigned to or destroyed (its
// seal and open fail with `internal`).
#pragma once

#include <memory>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_array.h"
#include "parley/crypto/cipher.h"

namespace parley::crypto {

class AeadKey {
 public:
  AeadKey(Aead aead, const core::Key32& key);
  AeadKey(const AeadKey& other);
  AeadKey& operator=(const AeadKey& other);
  AeadKey(AeadKey&&) noexcept;
  AeadKey& operator=(AeadKey&&) noexcept;
  ~AeadKey();

  Aead aead() const;

  // ciphertext || 16-byte tag into `out`, whose capacity is reused: a caller that keeps one
  // buffer seals without allocating. `out` must not overlap `plaintext`; after a failure it is
  // empty. A nonce that is not 12 bytes: `malformed`.
  core::Result<void> seal(core::BytesView nonce, core::BytesView ad, core::BytesView plaintext,
                          core::Bytes& out);
  // The plaintext into `out`, likewise (no overlap with the input). A bad tag or an input shorter
  // than the tag: `decrypt_failed`, and `out` is left empty (no unauthenticated byte is ever
  // handed out).
  core::Result<void> open(core::BytesView nonce, core::BytesView ad, core::BytesView ciphertext_and_tag,
                          core::Bytes& out);

  core::Result<core::Bytes> seal(core::BytesView nonce, core::BytesView ad, core::BytesView plaintext);
  core::Result<core::Bytes> open(core::BytesView nonce, core::BytesView ad,
                                 core::BytesView ciphertext_and_tag);

  // Same algorithm and key (compared in constant time).
  friend bool operator==(const AeadKey& a, const AeadKey& b);

 private:
  struct Impl;
  Aead aead_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::crypto
