#include "parley/client/media/prepared_uploads.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "parley/core/hex.h"

namespace parley::client::media {

namespace {

using core::Errc;
namespace fs = std::filesystem;

constexpr const char* kRecordExtension = ".pending";

fs::path record_of(const fs::path& upload) { return fs::path(upload).replace_extension(kRecordExtension); }

// What identifies a file's contents without reading it again: where it is, how long, when written.
struct SourceStamp {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  bool operator==(const SourceStamp&) const = default;
};

std::optional<SourceStamp> stamp(const fs::path& source) {
  std::error_code ec;
  SourceStamp s;
  s.path = fs::weakly_canonical(source, ec).string();
  if (!ec) s.size = fs::file_size(source, ec);
  if (!ec) s.mtime = static_cast<std::int64_t>(fs::last_write_time(source, ec).time_since_epoch().count());
  if (ec) return std::nullopt;
  return s;
}

}  // namespace

core::Result<void> remember_prepared(const PreparedAttachment& prepared, const fs::path& source) {
  const auto s = stamp(source);
  if (!s) return core::make_error(Errc::storage_failure, "cannot read " + source.string());
  PARLEY_TRY(const auto media, wire::encode_media(prepared.media));
  const nlohmann::json record = {{"source", s->path}, {"size", s->size}, {"mtime", s->mtime},
                                 {"upload", prepared.upload.filename().string()}, {"media", core::to_hex(media)}};
  const std::string text = record.dump();
  // Written under a temporary name, synced and renamed: a crash leaves the whole record or none.
  const auto target = record_of(prepared.upload);
  const auto temporary = fs::path(target).concat(".tmp");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::make_error(Errc::storage_failure, "cannot write " + temporary.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (written) fs::rename(temporary, target, ec);
  if (!written || ec) {
    fs::remove(temporary, ec);
    return core::make_error(Errc::storage_failure, "cannot write " + target.string());
  }
  return {};
}

std::optional<PreparedAttachment> find_prepared(const fs::path& upload_dir, const fs::path& source,
                                                const std::string& media_type, const std::string& caption) {
  const auto wanted = stamp(source);
  std::error_code ec;
  if (!wanted || !fs::is_directory(upload_dir, ec)) return std::nullopt;
  for (const auto& entry : fs::directory_iterator(upload_dir, ec)) {
    if (entry.path().extension() != kRecordExtension) continue;
    std::ifstream in(entry.path());
    const auto record = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    // Anything else in the folder, or a record of another version, is passed over.
    const auto field = [&](const char* name, auto is) { return record.is_object() && record.contains(name) && is(record[name]); };
    const auto string = [](const nlohmann::json& j) { return j.is_string(); };
    const auto unsigned_number = [](const nlohmann::json& j) { return j.is_number_unsigned(); };
    const auto integer = [](const nlohmann::json& j) { return j.is_number_integer(); };
    if (!field("source", string) || !field("size", unsigned_number) || !field("mtime", integer) ||
        !field("upload", string) || !field("media", string))
      continue;
    const SourceStamp was{record["source"].get<std::string>(), record["size"].get<std::uint64_t>(),
                          record["mtime"].get<std::int64_t>()};
    if (!(was == *wanted)) continue;
    const auto bytes = core::from_hex(record["media"].get<std::string>());
    if (!bytes.ok()) continue;
    auto media = wire::decode_media(*bytes);
    if (!media.ok() || media->type != media_type || media->caption != caption) continue;
    // The upload is named by its hash (prepare_attachment): a record pointing elsewhere is not ours.
    const auto upload = upload_dir / (core::to_hex(media->file_enc_sha256) + ".enc");
    if (record["upload"].get<std::string>() != upload.filename().string() || !fs::exists(upload, ec)) continue;
    return PreparedAttachment{std::move(*media), upload};
  }
  return std::nullopt;
}

void forget_prepared(const PreparedAttachment& prepared) {
  std::error_code ec;
  fs::remove(record_of(prepared.upload), ec);
  fs::remove(prepared.upload, ec);
}

}  // namespace parley::client::media
