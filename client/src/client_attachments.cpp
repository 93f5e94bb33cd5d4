// The Client's attachments (spec §12.3-12.4): a file prepared (or found prepared by a run that was
// broken off), uploaded and sent; a received one downloaded, checked and saved; one forwarded with
// its upload reused while the server holds it and made again from the file otherwise.
#include "parley/client/client.h"

#include "parley/client/blob_files.h"
#include "parley/client/media/attachment.h"
#include "parley/client/media/prepared_uploads.h"
#include "parley/core/hex.h"

namespace parley::client {

using core::Errc;

namespace {

// `name` in `dir`, or `name (2)`, `name (3)`... when taken: a save never replaces a file.
std::filesystem::path free_name(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path base(name.empty() ? "attachment" : name);
  auto candidate = dir / base;
  for (int n = 2; std::filesystem::exists(candidate); ++n)
    candidate = dir / (base.stem().string() + " (" + std::to_string(n) + ")" + base.extension().string());
  return candidate;
}

core::Result<void> make_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec) std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot make " + dir.string() + ": " + ec.message());
  return {};
}

// The attachment a message carries, with the media folder made ready for its files.
core::Result<wire::MediaBody> attachment_of(const StoredMessage& message, const std::filesystem::path& dir) {
  if (message.media.empty()) return core::make_error(Errc::not_found, "the message has no attachment");
  PARLEY_TRY(auto media, wire::decode_media(message.media));
  PARLEY_CHECK(make_private_dir(dir));
  return media;
}

// A transfer's time limit: a minute, and a millisecond per kilobyte, so that a big file has time
// while a stalled connection still ends the wait.
std::chrono::milliseconds transfer_timeout(std::uint64_t bytes) {
  return std::chrono::milliseconds(60'000 + bytes / 1000);
}

// The bytes of a forwarded attachment's upload, made only if the server asks for them: when it
// holds the blob and lets this device read it, nothing is read and nothing is encrypted.
class ForwardSource : public BlobSource {
 public:
  ForwardSource(wire::MediaBody media, std::optional<std::filesystem::path> original, std::filesystem::path dir)
      : media_(std::move(media)), original_(std::move(original)), dir_(std::move(dir)) {}
  core::Result<core::Bytes> read(std::uint64_t offset, std::size_t length) override {
    if (!file_) {
      if (!original_)
        return core::make_error(Errc::not_found,
                                "the server no longer holds the attachment: its file is needed to upload it again");
      PARLEY_TRY(auto upload, media::remake_upload(media_, *original_, dir_));
      PARLEY_TRY(file_, open_blob_source(upload));
      remade_ = std::move(upload);
    }
    return file_->read(offset, length);
  }
  // The upload made again, if it was: removed once the message is sent.
  const std::optional<std::filesystem::path>& remade() const { return remade_; }

 private:
  wire::MediaBody media_;
  std::optional<std::filesystem::path> original_;
  std::filesystem::path dir_;
  std::shared_ptr<BlobSource> file_;
  std::optional<std::filesystem::path> remade_;
};

}  // namespace

asio::awaitable<core::Result<std::uint64_t>> Client::send_file(std::uint64_t peer_account, std::filesystem::path file,
                                                               std::string media_type, std::string caption,
                                                               std::function<void(const BlobEvent&)> progress) {
  auto prepared = prepare_file(file, media_type, caption);
  if (!prepared.ok()) co_return prepared.error();
  co_return co_await send_attachment(peer_account, std::move(*prepared), std::move(progress));
}

core::Result<media::PreparedAttachment> Client::prepare_file(const std::filesystem::path& file, const std::string& media_type,
                                                             const std::string& caption) {
  PARLEY_CHECK(make_private_dir(media_dir()));
  if (auto earlier = media::find_prepared(media_dir(), file, media_type, caption)) return std::move(*earlier);
  PARLEY_TRY(auto prepared, media::prepare_attachment(file, media_type, caption, media_dir(), entropy_));
  PARLEY_CHECK(media::remember_prepared(prepared, file));
  return prepared;
}

asio::awaitable<core::Result<std::uint64_t>> Client::send_attachment(std::uint64_t peer_account,
                                                                     media::PreparedAttachment prepared,
                                                                     std::function<void(const BlobEvent&)> progress) {
  const auto& hash = prepared.media.file_enc_sha256;
  auto uploaded = co_await upload_blob(hash, prepared.upload, transfer_timeout(prepared.media.file_length), progress);
  if (!uploaded.ok()) co_return uploaded.error();
  auto sent = co_await send_media(peer_account, prepared.media);
  if (sent.ok()) media::forget_prepared(prepared);  // the server holds it; the original is the sender's
  co_return sent;
}

asio::awaitable<core::Result<std::uint64_t>> Client::forward_attachment(std::uint64_t peer_account,
                                                                        const StoredMessage& message,
                                                                        std::optional<std::filesystem::path> original,
                                                                        std::function<void(const BlobEvent&)> progress) {
  auto media = attachment_of(message, media_dir());
  if (!media.ok()) co_return media.error();
  auto source = std::make_shared<ForwardSource>(*media, std::move(original), media_dir());
  const auto size = media::upload_size(media->file_length);
  auto uploaded = co_await upload_blob(media->file_enc_sha256, size, source, transfer_timeout(size), progress);
  if (!uploaded.ok()) co_return uploaded.error();
  // The same description, key and hashes: the recipient checks the same bytes.
  auto sent = co_await send_media(peer_account, std::move(*media));
  if (sent.ok() && source->remade()) {
    std::error_code ec;
    std::filesystem::remove(*source->remade(), ec);
  }
  co_return sent;
}

asio::awaitable<core::Result<std::uint64_t>> Client::send_media(std::uint64_t peer_account, wire::MediaBody media) {
  auto started = engine_->send_media(peer_account, std::move(media));
  if (!started.ok()) co_return started.error();
  const auto id = started->first;
  auto written = co_await write(std::move(started->second));
  if (!written.ok()) co_return written.error();
  co_return co_await wait_sent(id);
}

asio::awaitable<core::Result<std::filesystem::path>> Client::save_attachment(const StoredMessage& message,
                                                                             std::optional<std::filesystem::path> out,
                                                                             std::function<void(const BlobEvent&)> progress) {
  auto media = attachment_of(message, media_dir());
  if (!media.ok()) co_return media.error();
  const auto part = media_dir() / (core::to_hex(media->file_enc_sha256) + ".part");
  const auto size = media::upload_size(media->file_length);
  auto downloaded = co_await download_blob(media->file_enc_sha256, size, part, transfer_timeout(size), progress);
  if (!downloaded.ok()) co_return downloaded.error();
  const auto target = out ? *out : free_name(media_dir(), media->file_name);
  auto opened = media::open_attachment(*media, part, target);
  std::error_code ec;
  // Checked or refused, the partial file is done with: a refused one is downloaded afresh next time.
  std::filesystem::remove(part, ec);
  if (!opened.ok()) co_return opened.error();
  auto told = co_await blob_fetched(media->file_enc_sha256);
  if (!told.ok()) co_return told.error();
  co_return target;
}

}  // namespace parley::client
