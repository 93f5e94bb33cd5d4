// Encrypting one attachment chunk by chunk (spec §12.1): AES-256-CBC with PKCS#7 under the media
// keys, the uploaded file ct || HMAC-SHA256(mac key, IV || ct)[0:10], both SHA-256 hashes and,
// when asked, the streaming sidecar, all in one pass with memory that does not grow with the file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/cbc_stream.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/hmac.h"
#include "parley/protocol/media/media_keys.h"
#include "parley/protocol/media/sidecar.h"

namespace parley::protocol::media {

using MediaMac = std::array<std::uint8_t, kMediaMacSize>;

// What a media message carries about its file (besides the key) once it is encrypted.
struct MediaSummary {
  crypto::Sha256Digest file_sha256;      // of the plaintext
  crypto::Sha256Digest file_enc_sha256;  // of the uploaded file
  MediaMac mac;                          // the uploaded file's last 10 bytes
  std::uint64_t plaintext_length = 0;
  std::uint64_t enc_length = 0;
  core::Bytes sidecar;  // empty unless asked for
};

class MediaEncryptor {
 public:
  static core::Result<MediaEncryptor> start(const MediaKeys& keys, bool with_sidecar);

  // Appends to `out` the ciphertext this plaintext completes: whole blocks only; up to 15 bytes
  // wait for the next call. Any split of the plaintext gives the same bytes.
  core::Result<void> update(core::BytesView plaintext, core::Bytes& out);

  // Appends the padded last block and the MAC. The encryptor is spent afterwards.
  core::Result<MediaSummary> finish(core::Bytes& out);

 private:
  MediaEncryptor(crypto::Aes256CbcStream cbc, crypto::HmacSha256 mac, std::optional<SidecarAccumulator> sidecar);
  // Encrypts out[from..] in place and feeds it to the MAC, the file hash and the sidecar.
  core::Result<void> seal_blocks(core::Bytes& out, std::size_t from);

  crypto::Aes256CbcStream cbc_;
  crypto::HmacSha256 mac_;
  std::optional<SidecarAccumulator> sidecar_;
  crypto::Sha256 plain_hash_;
  crypto::Sha256 enc_hash_;
  core::SecretArray<crypto::kAesBlockSize> carry_;
  std::size_t carry_size_ = 0;
  std::uint64_t plaintext_length_ = 0;
  std::uint64_t enc_length_ = 0;
  bool finished_ = false;
};

// The whole file at once, for small inputs, tests and vectors: the uploaded file and its summary.
core::Result<std::pair<core::Bytes, MediaSummary>> encrypt_media(const MediaKeys& keys, core::BytesView plaintext,
                                                                 bool with_sidecar);

// ct || HMAC-SHA256(mac key, IV || ct)[0:10] for a ciphertext made elsewhere: how the vectors and
// tests build files whose MAC is right but whose blocks or padding are not (spec §12.1's later
// checks can only be reached that way).
core::Bytes seal_media_ciphertext(const MediaKeys& keys, core::BytesView ciphertext);

}  // namespace parley::protocol::media
