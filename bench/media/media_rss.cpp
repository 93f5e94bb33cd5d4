// parley-media-rss: encrypts and decrypts one large file from disk to disk through client/media
// (spec §12.3) and prints JSON: the size, each direction's throughput, and the process's peak RSS
// (getrusage), which must not depend on the file's size (issue target: under 32 MiB for 1 GiB).
//
//   parley-media-rss [--mib N] [--dir DIR]      (defaults: 1024 MiB, the system's temp directory)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "parley/client/media/media_file.h"
#include "parley/crypto/hash.h"

namespace {

namespace fs = std::filesystem;
namespace pm = parley::protocol::media;

long peak_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Pseudo-random content written 1 MiB at a time (a SHA-256 chain), so the input costs no memory.
void write_input(const fs::path& path, std::uint64_t mib) {
  std::ofstream out(path, std::ios::binary);
  std::string block(1 << 20, '\0');
  auto state = parley::crypto::sha256(parley::core::as_bytes("parley media rss"));
  for (std::uint64_t m = 0; m < mib; ++m) {
    for (std::size_t at = 0; at < block.size(); at += state.size()) {
      state = parley::crypto::sha256(state);
      std::memcpy(block.data() + at, state.data(), state.size());
    }
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t mib = 1024;
  fs::path dir = fs::temp_directory_path();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--mib") == 0) mib = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  const fs::path work = dir / ("parley-media-rss-" + std::to_string(::getpid()));
  fs::create_directories(work);
  write_input(work / "plain", mib);
  const long rss_before = peak_rss_kib();

  const auto media_key = parley::crypto::sha256(parley::core::as_bytes("parley media rss key"));
  const auto keys = pm::derive_media_keys(media_key, "WhatsApp Video Keys").value();
  parley::client::media::MediaFileOptions options;
  options.sidecar = true;
  auto start = std::chrono::steady_clock::now();
  const auto summary = parley::client::media::encrypt_media_file(keys, work / "plain", work / "upload", options);
  const double encrypt_s = seconds_since(start);
  if (!summary.ok()) {
    std::fprintf(stderr, "encrypt: %s\n", parley::core::to_string(summary.error()).c_str());
    return 1;
  }
  start = std::chrono::steady_clock::now();
  const auto done = parley::client::media::decrypt_media_file(keys, {summary->file_sha256, summary->file_enc_sha256},
                                                              work / "upload", work / "received", options);
  const double decrypt_s = seconds_since(start);
  fs::remove_all(work);
  if (!done.ok()) {
    std::fprintf(stderr, "decrypt: %s\n", parley::core::to_string(done.error()).c_str());
    return 1;
  }
  const double mb = static_cast<double>(mib) * 1048576.0 / 1e6;
  std::printf(
      "{\"benchmark\": \"media_file_rss\", \"file_mib\": %llu, \"encrypt_mb_per_s\": %.1f, \"decrypt_mb_per_s\": %.1f, "
      "\"peak_rss_kib_before_transfer\": %ld, \"peak_rss_kib\": %ld, \"target_rss_kib\": %d}\n",
      static_cast<unsigned long long>(mib), mb / encrypt_s, mb / decrypt_s, rss_before, peak_rss_kib(), 32 * 1024);
  return peak_rss_kib() < 32 * 1024 ? 0 : 3;
}
