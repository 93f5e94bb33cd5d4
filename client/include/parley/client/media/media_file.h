// Attachments from a file to a file (spec §12.3): the media cipher of protocol/media driven over
// POSIX files in fixed-size pieces, so memory does not depend on the file's size, and a decrypted
// file appears under its name only once every check passed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include "parley/core/error.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"

namespace parley::client::media {

// The largest plaintext a client encrypts or accepts (spec §12.3, `max_media_size`): WhatsApp's
// document limit. The server's `max_blob_size` defaults to the same.
inline constexpr std::uint64_t kDefaultMaxMediaSize = 2ull << 30;
// The piece read and written at a time; the whole of a transfer's memory is a few of these.
inline constexpr std::size_t kMediaFileBuffer = 1 << 20;

// The uploaded file's size for a plaintext of this many bytes (spec §12.1): whole blocks with
// PKCS#7's at least one byte of padding, and the 10-byte MAC.
std::uint64_t upload_size(std::uint64_t plaintext_length);

struct MediaFileOptions {
  std::uint64_t max_size = kDefaultMaxMediaSize;
  bool sidecar = false;
  // Called after each piece with the bytes done and the total (both of the input file).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// Encrypts `plaintext` into `upload` (written as `upload` + ".part" and renamed when complete).
// A plaintext over max_size: `message_too_large`; a file that cannot be read or written:
// `storage_failure`.
core::Result<protocol::media::MediaSummary> encrypt_media_file(const protocol::media::MediaKeys& keys,
                                                               const std::filesystem::path& plaintext,
                                                               const std::filesystem::path& upload,
                                                               const MediaFileOptions& options = {});

// Checks and decrypts `upload` into `out`. The plaintext is written to a new file beside `out`
// that only the user may read (0600) under a temporary name, and renamed to `out` only after
// every check of spec §12.1 passed; on any failure that file is removed, `out` is untouched, and
// `failed` (when given) names the check. An upload larger than max_size allows: `message_too_large`
// before anything is decrypted.
core::Result<void> decrypt_media_file(const protocol::media::MediaKeys& keys,
                                      const protocol::media::MediaExpectation& expected,
                                      const std::filesystem::path& upload, const std::filesystem::path& out,
                                      const MediaFileOptions& options = {},
                                      std::optional<protocol::media::MediaCheck>* failed = nullptr);

}  // namespace parley::client::media
