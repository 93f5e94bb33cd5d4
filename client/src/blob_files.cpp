#include "parley/client/blob_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::client {

using core::Errc;

namespace {

core::Error io_error(const std::string& what, const std::filesystem::path& file) {
  return core::make_error(Errc::storage_failure, what + " " + file.string() + ": " + std::strerror(errno));
}

// One open file descriptor, closed with its owner.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

class FileSource final : public BlobSource {
 public:
  FileSource(int fd, std::filesystem::path file) : fd_(fd), file_(std::move(file)) {}
  core::Result<core::Bytes> read(std::uint64_t offset, std::size_t length) override {
    core::Bytes out(length);
    std::size_t done = 0;
    while (done < length) {
      const auto n = ::pread(fd_.get(), out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot read", file_);
      if (n == 0) return core::make_error(Errc::storage_failure, file_.string() + " is shorter than the blob");
      done += static_cast<std::size_t>(n);
    }
    return out;
  }

 private:
  Fd fd_;
  std::filesystem::path file_;
};

class FileSink final : public BlobSink {
 public:
  FileSink(int fd, std::uint64_t size, std::filesystem::path file) : fd_(fd), size_(size), file_(std::move(file)) {}
  std::uint64_t size() const override { return size_; }
  core::Result<void> append(core::BytesView bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot write", file_);
      done += static_cast<std::size_t>(n);
    }
    size_ += bytes.size();
    return {};
  }

 private:
  Fd fd_;
  std::uint64_t size_;
  std::filesystem::path file_;
};

}  // namespace

core::Result<std::shared_ptr<BlobSource>> open_blob_source(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", file);
  return std::shared_ptr<BlobSource>(std::make_shared<FileSource>(fd, file));
}

core::Result<std::shared_ptr<BlobSink>> open_blob_sink(const std::filesystem::path& file) {
  // Ciphertext only, but still the user's: private like the plaintext it becomes.
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open", file);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const auto error = io_error("cannot stat", file);
    ::close(fd);
    return error;
  }
  return std::shared_ptr<BlobSink>(std::make_shared<FileSink>(fd, static_cast<std::uint64_t>(st.st_size), file));
}

}  // namespace parley::client
