// An attachment from a file and back (spec §12.4): what `parley send --file` makes before the
// upload, and what saving a received one does after the download. The cipher and the file handling
// are media_file.h's; this adds the description the message carries.
#pragma once

#include <filesystem>
#include <string>

#include "parley/client/media/media_file.h"
#include "parley/crypto/entropy.h"
#include "parley/wire/content.h"

namespace parley::client::media {

// The media type of spec §12.1's table for a file, from its extension: "image", "video", "audio"
// or "document" (anything else). A voice note is "ptt", which only the caller can know.
std::string guess_media_type(const std::filesystem::path& file);
// The MIME type for the extensions guess_media_type knows; application/octet-stream otherwise.
std::string guess_mime_type(const std::filesystem::path& file);
// The media type for a name of `parley send --type`: image, video, audio, voice (ptt) or document;
// nullopt for another.
std::optional<std::string> media_type_for_option(std::string_view option);

struct PreparedAttachment {
  wire::MediaBody media;        // the description, caption included
  std::filesystem::path upload;  // the encrypted upload, its SHA-256 media.file_enc_sha256
};

// Encrypts `file` under a fresh media key into `upload_dir` (named by the upload's hash) and
// describes it: type, MIME type, name, length, key, both hashes, the caption and, for a JPEG image,
// its dimensions and inline thumbnail (a picture that cannot be previewed is sent without one).
core::Result<PreparedAttachment> prepare_attachment(const std::filesystem::path& file, const std::string& media_type,
                                                    const std::string& caption, const std::filesystem::path& upload_dir,
                                                    crypto::Entropy& entropy, const MediaFileOptions& options = {});

// The upload of an attachment made again from its original file (a forward of a blob the server no
// longer holds, spec §7.1): the media key fixes the ciphertext, so encrypting `original` under it
// gives the same bytes, written to `upload_dir` as prepare_attachment names them. A file that is not
// the one `media` describes (another upload hash): `malformed`, and nothing is left behind.
core::Result<std::filesystem::path> remake_upload(const wire::MediaBody& media, const std::filesystem::path& original,
                                                  const std::filesystem::path& upload_dir,
                                                  const MediaFileOptions& options = {});

// Checks and decrypts a downloaded upload into `out` (spec §12.2): nothing under `out` unless every
// check passed. The media type's keys come from the description.
core::Result<void> open_attachment(const wire::MediaBody& media, const std::filesystem::path& upload,
                                   const std::filesystem::path& out, const MediaFileOptions& options = {});

}  // namespace parley::client::media
