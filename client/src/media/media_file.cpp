#include "parley/client/media/media_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "parley/core/secret_bytes.h"

namespace parley::client::media {

namespace {

namespace fs = std::filesystem;
namespace pm = protocol::media;

core::Error io_error(const std::string& what, const fs::path& path) {
  return core::make_error(core::Errc::storage_failure, what + " " + path.string() + ": " + std::strerror(errno));
}

// An open file descriptor, closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&&) = delete;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Reads up to buffer.size() bytes; 0 at the end of the file.
core::Result<std::size_t> read_some(const Fd& fd, core::Bytes& buffer, const fs::path& path) {
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return io_error("cannot read", path);
  }
}

core::Result<void> write_all(const Fd& fd, core::BytesView data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot write", path);
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

// fsync the file, close it, rename it over `to` and fsync the directory: after a crash the name
// holds either nothing or the whole file.
core::Result<void> commit_file(Fd& fd, const fs::path& from, const fs::path& to) {
  if (::fsync(fd.get()) != 0) return io_error("cannot sync", from);
  if (::close(fd.release()) != 0) return io_error("cannot close", from);
  if (::rename(from.c_str(), to.c_str()) != 0) return io_error("cannot rename to", to);
  const fs::path dir = to.has_parent_path() ? to.parent_path() : fs::path(".");
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.ok()) ::fsync(dir_fd.get());  // best effort: some file systems refuse it on directories
  return {};
}


core::Result<std::uint64_t> file_size(const Fd& fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("cannot stat", path);
  return static_cast<std::uint64_t>(st.st_size);
}

// A fresh file beside `out`, 0600, under a name no one else chose (mkstemp).
core::Result<std::pair<Fd, fs::path>> private_temporary(const fs::path& out) {
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::string name = (dir / ("." + out.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // mkstemp creates with mode 0600
  if (fd < 0) return io_error("cannot create a temporary file beside", out);
  return std::pair{Fd(fd), fs::path(name)};
}

// Reads `in` to its end a buffer at a time, hands each piece to `transform` (which appends its
// output) and writes the output to `out`: the one loop both directions share. More than `limit`
// bytes read (a file that grows while it is read) is `message_too_large`.
template <typename Transform>
core::Result<void> pump(const Fd& in, const fs::path& in_path, const Fd& out, const fs::path& out_path,
                        std::uint64_t limit, const MediaFileOptions& options, std::uint64_t total, Transform&& transform) {
  core::Bytes buffer(kMediaFileBuffer), produced;
  produced.reserve(kMediaFileBuffer + 64);
  std::uint64_t done = 0;
  for (;;) {
    PARLEY_TRY(const auto n, read_some(in, buffer, in_path));
    if (n == 0) break;
    done += n;
    if (done > limit) return core::make_error(core::Errc::message_too_large, in_path.string() + " grew past the limit");
    produced.clear();
    PARLEY_CHECK(transform(core::BytesView(buffer).first(n), produced));
    PARLEY_CHECK(write_all(out, produced, out_path));
    if (options.progress) options.progress(done, total);
  }
  // The buffers held plaintext in one direction or the other.
  core::secure_zero(buffer.data(), buffer.size());
  core::secure_zero(produced.data(), produced.size());
  return {};
}

}  // namespace

core::Result<pm::MediaSummary> encrypt_media_file(const pm::MediaKeys& keys, const fs::path& plaintext,
                                                  const fs::path& upload, const MediaFileOptions& options) {
  Fd in(::open(plaintext.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return io_error("cannot open", plaintext);
  PARLEY_TRY(const auto total, file_size(in, plaintext));
  if (total > options.max_size) return core::make_error(core::Errc::message_too_large, "the file is over max_media_size");

  const fs::path part = upload.string() + ".part";
  Fd out(::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out.ok()) return io_error("cannot create", part);
  PARLEY_TRY(auto encryptor, pm::MediaEncryptor::start(keys, options.sidecar));
  PARLEY_CHECK(pump(in, plaintext, out, part, options.max_size, options, total,
                    [&](core::BytesView piece, core::Bytes& produced) { return encryptor.update(piece, produced); }));
  core::Bytes last;
  PARLEY_TRY(auto summary, encryptor.finish(last));
  PARLEY_CHECK(write_all(out, last, part));
  PARLEY_CHECK(commit_file(out, part, upload));
  return summary;
}

core::Result<void> decrypt_media_file(const pm::MediaKeys& keys, const pm::MediaExpectation& expected,
                                      const fs::path& upload, const fs::path& out, const MediaFileOptions& options,
                                      std::optional<pm::MediaCheck>* failed) {
  Fd in(::open(upload.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.ok()) return io_error("cannot open", upload);
  PARLEY_TRY(const auto total, file_size(in, upload));
  if (total > upload_size(options.max_size))
    return core::make_error(core::Errc::message_too_large, "the upload is over max_media_size");

  PARLEY_TRY(auto temporary, private_temporary(out));
  auto& [fd, temp_path] = temporary;
  // Whatever happens below, the unverified plaintext does not outlive this call under any name
  // but `out`.
  struct Remover {
    const fs::path& path;
    bool armed = true;
    ~Remover() {
      if (armed) ::unlink(path.c_str());
    }
  } remover{temp_path};

  PARLEY_TRY(auto decryptor, pm::MediaDecryptor::start(keys, expected));
  PARLEY_CHECK(pump(in, upload, fd, temp_path, upload_size(options.max_size), options, total,
                    [&](core::BytesView piece, core::Bytes& produced) { return decryptor.update(piece, produced); }));
  core::Bytes unverified;
  auto checked = decryptor.finish(unverified);
  if (failed != nullptr) *failed = decryptor.failed_check();
  if (!checked) {
    core::secure_zero(unverified.data(), unverified.size());
    return checked.error();
  }
  PARLEY_CHECK(write_all(fd, unverified, temp_path));
  core::secure_zero(unverified.data(), unverified.size());
  PARLEY_CHECK(commit_file(fd, temp_path, out));
  remover.armed = false;
  return {};
}

std::uint64_t upload_size(std::uint64_t plaintext_length) {
  return (plaintext_length / 16 + 1) * 16 + pm::kMediaMacSize;
}

}  // namespace parley::client::media
