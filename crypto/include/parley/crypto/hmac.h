// HMAC-SHA256 (Botan) and its constant-time verification.
#pragma once

#include <memory>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/hash.h"

namespace parley::crypto {

Sha256Digest hmac_sha256(core::BytesView key, core::BytesView data);

// Checks `tag` against HMAC-SHA256(key, data) truncated to tag.size() bytes (libsignal sends
// 8 bytes, media 10), comparing in constant time. An empty tag or one longer than 32 bytes is
// `malformed`; a mismatch is `decrypt_failed`, the same code as every other authentication failure.
core::Result<void> hmac_sha256_verify(core::BytesView key, core::BytesView data, core::BytesView tag);

// HMAC-SHA256 over data that arrives in pieces (a media file read chunk by chunk). Equal to
// hmac_sha256() of the concatenation; the key schedule is wiped with the object.
class HmacSha256 {
 public:
  explicit HmacSha256(core::BytesView key);
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;
  ~HmacSha256();

  void update(core::BytesView data);
  // The MAC of everything given so far; the object starts over under the same key.
  Sha256Digest final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::crypto
