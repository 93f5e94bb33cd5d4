#include "parley/client/media/attachment.h"

#include <algorithm>
#include <array>
#include <fstream>

#include "parley/client/media/thumbnail.h"
#include "parley/core/hex.h"
#include "parley/core/secret_bytes.h"
#include "parley/protocol/media/media_keys.h"

namespace parley::client::media {

using core::Errc;

namespace {

struct Known {
  std::string_view extension, type, mime;
};

constexpr std::array kKnown = {
    Known{".jpg", "image", "image/jpeg"},  Known{".jpeg", "image", "image/jpeg"}, Known{".png", "image", "image/png"},
    Known{".gif", "image", "image/gif"},   Known{".webp", "image", "image/webp"}, Known{".mp4", "video", "video/mp4"},
    Known{".mov", "video", "video/quicktime"}, Known{".webm", "video", "video/webm"},
    Known{".mp3", "audio", "audio/mpeg"},  Known{".m4a", "audio", "audio/mp4"},   Known{".ogg", "audio", "audio/ogg"},
    Known{".opus", "audio", "audio/ogg"},  Known{".wav", "audio", "audio/wav"},   Known{".flac", "audio", "audio/flac"},
    Known{".pdf", "document", "application/pdf"}, Known{".txt", "document", "text/plain"},
};

const Known* known(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& k : kKnown)
    if (k.extension == ext) return &k;
  return nullptr;
}

core::Bytes bytes_of(const crypto::Sha256Digest& digest) { return {digest.begin(), digest.end()}; }

crypto::Sha256Digest digest_of(const core::Bytes& bytes) {
  crypto::Sha256Digest d{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), d.size()), d.begin());
  return d;
}

// The keys of a media type of the table (spec §12.1); `unsupported` for another.
core::Result<protocol::media::MediaKeys> keys_for(core::BytesView media_key, const std::string& type) {
  const auto info = protocol::media::media_hkdf_info(type);
  if (!info) return core::make_error(Errc::unsupported, "media type " + type);
  return protocol::media::derive_media_keys(media_key, *info);
}

// A picture larger than this is not read whole for its thumbnail: the preview is a nicety.
constexpr std::uintmax_t kMaxPreviewedFile = 32ull << 20;

void add_thumbnail(const std::filesystem::path& file, wire::MediaBody& media) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxPreviewedFile) return;
  std::ifstream in(file, std::ios::binary);
  core::Bytes jpeg(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()))) return;
  auto thumbnail = make_jpeg_thumbnail(jpeg);
  if (!thumbnail.ok()) return;  // not a JPEG we can read: sent without a preview
  media.thumbnail_jpeg = std::move(thumbnail->jpeg);
  media.width = thumbnail->width;
  media.height = thumbnail->height;
}

}  // namespace

std::string guess_media_type(const std::filesystem::path& file) {
  const auto* k = known(file);
  return k ? std::string(k->type) : "document";
}

std::string guess_mime_type(const std::filesystem::path& file) {
  const auto* k = known(file);
  return k ? std::string(k->mime) : "application/octet-stream";
}

core::Result<PreparedAttachment> prepare_attachment(const std::filesystem::path& file, const std::string& media_type,
                                                    const std::string& caption, const std::filesystem::path& upload_dir,
                                                    crypto::Entropy& entropy, const MediaFileOptions& options) {
  wire::MediaBody media;
  media.type = media_type;
  media.mime_type = guess_mime_type(file);
  media.file_name = file.filename().string();
  media.caption = caption;
  core::Bytes key(protocol::media::kMediaKeySize);
  PARLEY_CHECK(entropy.fill(key));
  media.media_key = key;
  core::secure_zero(key.data(), key.size());
  PARLEY_TRY(const auto keys, keys_for(media.media_key, media_type));
  // Video and audio are streamed by receivers that can (WhatsApp's sidecar, spec §12.1).
  MediaFileOptions with = options;
  with.sidecar = options.sidecar || media_type == "video" || media_type == "audio" || media_type == "ptt";
  std::error_code ec;
  std::filesystem::create_directories(upload_dir, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot create " + upload_dir.string() + ": " + ec.message());
  const auto pending = upload_dir / ("outgoing-" + core::to_hex(core::BytesView(media.media_key).first(8)));
  PARLEY_TRY(const auto summary, encrypt_media_file(keys, file, pending, with));
  media.file_length = summary.plaintext_length;
  media.file_sha256 = bytes_of(summary.file_sha256);
  media.file_enc_sha256 = bytes_of(summary.file_enc_sha256);
  media.streaming_sidecar = summary.sidecar;
  if (media_type == "image" && media.mime_type == "image/jpeg") add_thumbnail(file, media);
  PARLEY_CHECK(wire::check_media(media));
  // A long video's sidecar would not fit in a message (spec §12.4): it goes without.
  if (!wire::encode_media(media).ok()) media.streaming_sidecar.clear();
  if (auto encoded = wire::encode_media(media); !encoded.ok()) return encoded.error();
  const auto upload = upload_dir / (core::to_hex(media.file_enc_sha256) + ".enc");
  std::filesystem::rename(pending, upload, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot name the upload " + upload.string() + ": " + ec.message());
  return PreparedAttachment{std::move(media), upload};
}

core::Result<std::filesystem::path> remake_upload(const wire::MediaBody& media, const std::filesystem::path& original,
                                                  const std::filesystem::path& upload_dir, const MediaFileOptions& options) {
  PARLEY_CHECK(wire::check_media(media));
  PARLEY_TRY(const auto keys, keys_for(media.media_key, media.type));
  const auto name = core::to_hex(media.file_enc_sha256);
  const auto remade = upload_dir / ("remade-" + name);
  PARLEY_TRY(const auto summary, encrypt_media_file(keys, original, remade, options));
  std::error_code ec;
  if (bytes_of(summary.file_enc_sha256) != media.file_enc_sha256) {
    std::filesystem::remove(remade, ec);
    return core::make_error(Errc::malformed, original.string() + " is not the file the message describes");
  }
  const auto upload = upload_dir / (name + ".enc");
  std::filesystem::rename(remade, upload, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot name the upload " + upload.string() + ": " + ec.message());
  return upload;
}

core::Result<void> open_attachment(const wire::MediaBody& media, const std::filesystem::path& upload,
                                   const std::filesystem::path& out, const MediaFileOptions& options) {
  PARLEY_CHECK(wire::check_media(media));
  PARLEY_TRY(const auto keys, keys_for(media.media_key, media.type));
  const protocol::media::MediaExpectation expected{digest_of(media.file_sha256), digest_of(media.file_enc_sha256)};
  return decrypt_media_file(keys, expected, upload, out, options);
}

std::optional<std::string> media_type_for_option(std::string_view option) {
  if (option == "voice") return "ptt";
  for (const std::string_view t : {"image", "video", "audio", "document"})
    if (option == t) return std::string(t);
  return std::nullopt;
}

}  // namespace parley::client::media
