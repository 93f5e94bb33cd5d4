// Attachments from file to file (spec §12.3): the same bytes as the in-memory cipher, the result
// private to the user, nothing under the final name (and no temporary left) when a check fails,
// and the size limit at N and N + 1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "parley/client/media/media_file.h"

namespace parley::client::media {
namespace {

namespace fs = std::filesystem;
namespace pm = protocol::media;

class MediaFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-media-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const core::Bytes& bytes) {
    std::ofstream(dir_ / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                        static_cast<std::streamsize>(bytes.size()));
    return dir_ / name;
  }
  static core::Bytes read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return core::Bytes(std::istreambuf_iterator<char>(in), {});
  }
  std::size_t files_in_dir() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  fs::path dir_;
  pm::MediaKeys keys_ = pm::derive_media_keys(core::Bytes(32, 5), "WhatsApp Document Keys").value();
};

core::Bytes sample(std::size_t n) {
  core::Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  return b;
}

TEST_F(MediaFile, RoundTripsAcrossManyBuffersWithTheInMemoryBytes) {
  const auto plain = sample(3 * kMediaFileBuffer + 12345);
  const auto in = write("photo.jpg", plain);
  std::uint64_t last_done = 0, calls = 0;
  MediaFileOptions options;
  options.sidecar = true;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_GT(done, last_done);
    EXPECT_EQ(total, plain.size());
    last_done = done;
    ++calls;
  };
  const auto summary = encrypt_media_file(keys_, in, dir_ / "upload", options).value();
  EXPECT_EQ(last_done, plain.size());
  EXPECT_GE(calls, 4u);
  const auto [file, expected] = pm::encrypt_media(keys_, plain, true).value();
  EXPECT_EQ(read(dir_ / "upload"), file);
  EXPECT_EQ(summary.sidecar, expected.sidecar);
  EXPECT_FALSE(fs::exists(dir_ / "upload.part"));

  ASSERT_TRUE(decrypt_media_file(keys_, {summary.file_sha256, summary.file_enc_sha256}, dir_ / "upload",
                                 dir_ / "received.jpg")
                  .ok());
  EXPECT_EQ(read(dir_ / "received.jpg"), plain);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "received.jpg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // received files are the user's alone
  EXPECT_EQ(files_in_dir(), 3u);         // photo.jpg, upload, received.jpg: no temporary left
}

TEST_F(MediaFile, AFailedCheckLeavesNothingUnderTheNameAndNoTemporary) {
  const auto plain = sample(kMediaFileBuffer + 77);
  const auto summary = encrypt_media_file(keys_, write("doc.pdf", plain), dir_ / "upload").value();
  auto altered = read(dir_ / "upload");
  altered[altered.size() / 2] ^= 0x01;
  write("altered", altered);
  for (const bool rehash : {false, true}) {
    pm::MediaExpectation expected{summary.file_sha256, summary.file_enc_sha256};
    if (rehash) expected.file_enc_sha256 = crypto::sha256(altered);
    std::optional<pm::MediaCheck> failed;
    EXPECT_EQ(decrypt_media_file(keys_, expected, dir_ / "altered", dir_ / "out.pdf", {}, &failed).code(),
              core::Errc::decrypt_failed);
    EXPECT_EQ(failed, rehash ? pm::MediaCheck::mac : pm::MediaCheck::file_enc_sha256);
    EXPECT_FALSE(fs::exists(dir_ / "out.pdf"));
    EXPECT_EQ(files_in_dir(), 3u);  // doc.pdf, upload, altered
  }
  // An existing file of that name is left as it was.
  write("out.pdf", core::Bytes{1, 2, 3});
  EXPECT_FALSE(decrypt_media_file(keys_, {summary.file_sha256, summary.file_sha256}, dir_ / "upload", dir_ / "out.pdf").ok());
  EXPECT_EQ(read(dir_ / "out.pdf"), (core::Bytes{1, 2, 3}));
}

TEST_F(MediaFile, TheSizeLimitAtNAndNPlusOne) {
  MediaFileOptions options;
  options.max_size = 1000;
  const auto at_limit = encrypt_media_file(keys_, write("n", sample(1000)), dir_ / "up-n", options);
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(encrypt_media_file(keys_, write("n1", sample(1001)), dir_ / "up-n1", options).code(),
            core::Errc::message_too_large);
  EXPECT_TRUE(decrypt_media_file(keys_, {at_limit->file_sha256, at_limit->file_enc_sha256}, dir_ / "up-n",
                                 dir_ / "out", options)
                  .ok());
  // 1,000 bytes of plaintext upload as 1,018: an upload of 1,018 bytes passes the size check
  // (and fails at its hash), one of 1,019 is refused before anything is decrypted.
  EXPECT_EQ(decrypt_media_file(keys_, {}, write("u1018", sample(1018)), dir_ / "out2", options).code(),
            core::Errc::decrypt_failed);
  EXPECT_EQ(decrypt_media_file(keys_, {}, write("u1019", sample(1019)), dir_ / "out3", options).code(),
            core::Errc::message_too_large);
}

TEST_F(MediaFile, MissingFilesAreStorageFailures) {
  EXPECT_EQ(encrypt_media_file(keys_, dir_ / "absent", dir_ / "up").code(), core::Errc::storage_failure);
  EXPECT_EQ(decrypt_media_file(keys_, {}, dir_ / "absent", dir_ / "out").code(), core::Errc::storage_failure);
  EXPECT_EQ(decrypt_media_file(keys_, {}, write("x", sample(100)), dir_ / "no-such-dir" / "out").code(),
            core::Errc::storage_failure);
}

}  // namespace
}  // namespace parley::client::media
