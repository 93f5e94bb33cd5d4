// Reading a streamed attachment chunk by chunk with its sidecar (spec §12.2): each 64 KiB chunk is
// checked against its entry before its plaintext is handed out, so a player can start before the
// download ends without ever showing a byte the sender did not encrypt. Chunks are opened in order
// (the plaintext hash runs over them); finish() checks that hash once the last one is open.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/hash.h"
#include "parley/protocol/media/media_keys.h"
#include "parley/protocol/media/sidecar.h"

namespace parley::protocol::media {

class SidecarReader {
 public:
  // `enc_length` is the uploaded file's length, known from the message (16 * (floor(n / 16) + 1)
  // + 10 for n bytes of plaintext). A sidecar without one entry per chunk, or a length that
  // cannot be a media file's: `malformed`.
  static core::Result<SidecarReader> start(const MediaKeys& keys, core::BytesView sidecar, std::uint64_t enc_length,
                                           const crypto::Sha256Digest& file_sha256);

  std::uint64_t chunks() const { return chunks_; }
  // The bytes of the uploaded file that chunk n needs: [enc_begin, enc_end).
  SidecarWindow window(std::uint64_t n) const { return sidecar_window(n, enc_length_); }

  // Checks chunk n (the file's bytes of window(n)) and returns its plaintext, which may be shown at
  // once; the last chunk's padding is checked and removed. n must be the next chunk in order
  // (`malformed` otherwise); a window whose entry does not verify, or bad padding in the last
  // chunk: `decrypt_failed`. A failure changes nothing: the same chunk may be fetched again.
  core::Result<core::Bytes> open(std::uint64_t n, core::BytesView file_bytes);

  // Every chunk opened and the plaintext's SHA-256 is the message's: ok; else `decrypt_failed`
  // (an early call: `malformed`).
  core::Result<void> finish();

 private:
  SidecarReader(const MediaKeys& keys, core::BytesView sidecar, std::uint64_t enc_length,
                const crypto::Sha256Digest& file_sha256);

  core::Key32 cipher_key_;
  core::Key32 mac_key_;
  core::SecretArray<16> iv_;
  core::Bytes sidecar_;
  std::uint64_t enc_length_;
  std::uint64_t chunks_;
  crypto::Sha256Digest file_sha256_;
  crypto::Sha256 plain_hash_;
  std::uint64_t next_ = 0;
};

}  // namespace parley::protocol::media
