// Verifying and decrypting one downloaded attachment chunk by chunk (spec §12.1). The checks run
// in the spec's order and the first that fails is reported: length, uploaded-file hash, MAC,
// block length, padding (every padding byte), plaintext hash. Plaintext comes out before the last
// check has run, so it is handed over as *unverified*: the caller keeps it private (memory, or a
// file no one else may read under a temporary name) and releases it only when finish() succeeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/cbc_stream.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/hmac.h"
#include "parley/protocol/media/media_keys.h"

namespace parley::protocol::media {

// The verification order of spec §12.1; each value names the check, as the vectors do.
enum class MediaCheck { length, file_enc_sha256, mac, block_length, padding, file_sha256 };
std::string_view media_check_name(MediaCheck check);
std::optional<MediaCheck> media_check_from_name(std::string_view name);

// What the media message says the file must hash to.
struct MediaExpectation {
  crypto::Sha256Digest file_sha256;
  crypto::Sha256Digest file_enc_sha256;
};

class MediaDecryptor {
 public:
  static core::Result<MediaDecryptor> start(const MediaKeys& keys, const MediaExpectation& expected);

  // Appends to `unverified` the plaintext of the blocks this input completes, except the last
  // block and the MAC, which wait for finish(). Any split of the file gives the same bytes.
  core::Result<void> update(core::BytesView enc, core::Bytes& unverified);

  // Runs every check in order and, when all pass, appends the last plaintext bytes. A failure is
  // `malformed` (length) or `decrypt_failed` (the rest); failed_check() names it. Either way the
  // decryptor is spent, and on failure everything it handed out must be discarded.
  core::Result<void> finish(core::Bytes& unverified);

  std::optional<MediaCheck> failed_check() const { return failed_; }

 private:
  MediaDecryptor(crypto::Aes256CbcStream cbc, crypto::HmacSha256 mac, const MediaExpectation& expected);
  core::Result<void> fail(MediaCheck check, core::Errc code, std::string detail);

  crypto::Aes256CbcStream cbc_;
  crypto::HmacSha256 mac_;
  MediaExpectation expected_;
  crypto::Sha256 plain_hash_;
  crypto::Sha256 enc_hash_;
  core::Bytes tail_;  // the unprocessed end: the MAC and the last block wait here (< 42 bytes)
  std::uint64_t enc_length_ = 0;
  std::optional<MediaCheck> failed_;
  bool finished_ = false;
};

// The whole file at once: the plaintext only if every check passed.
core::Result<core::Bytes> decrypt_media(const MediaKeys& keys, const MediaExpectation& expected,
                                        core::BytesView enc_file, std::optional<MediaCheck>* failed = nullptr);

}  // namespace parley::protocol::media
