#include "parley/protocol/media/sidecar.h"

#include <algorithm>

#include "parley/core/secret_bytes.h"

namespace parley::protocol::media {

namespace {

constexpr std::uint64_t kIvSize = 16;

void append_entry(core::Bytes& entries, crypto::HmacSha256& mac) {
  auto full = mac.final();
  entries.insert(entries.end(), full.begin(), full.begin() + kSidecarEntrySize);
  core::secure_zero(full.data(), full.size());
}

}  // namespace

std::uint64_t sidecar_entry_count(std::uint64_t enc_length) {
  // ceil((16 + enc_length) / 64K), written so that no length overflows it.
  return enc_length / kSidecarChunkSize + (enc_length % kSidecarChunkSize + kIvSize + kSidecarChunkSize - 1) / kSidecarChunkSize;
}

SidecarWindow sidecar_window(std::uint64_t n, std::uint64_t enc_length) {
  const std::uint64_t s_length = kIvSize + enc_length;
  const std::uint64_t s_begin = n * kSidecarChunkSize;
  const std::uint64_t s_end = std::min(s_begin + kSidecarWindowSize, s_length);
  // S offset x is file offset x - 16; window 0 begins inside the IV.
  return {s_begin < kIvSize ? 0 : s_begin - kIvSize, s_end - kIvSize, s_begin < kIvSize};
}

SidecarAccumulator::SidecarAccumulator(core::BytesView mac_key) : key_(mac_key) {}

void SidecarAccumulator::update(core::BytesView s_bytes) {
  while (!s_bytes.empty()) {
    const std::uint64_t offset = position_ % kSidecarChunkSize;
    if (offset == 0) {  // a new window opens; the one before stays open for 16 more bytes
      if (current_) previous_ = std::move(current_);
      current_.emplace(key_.view());
    }
    // Feed up to the next event: the previous window closing (offset 16) or the next chunk.
    const std::uint64_t limit = (previous_ && offset < kIvSize) ? kIvSize : kSidecarChunkSize;
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(limit - offset, s_bytes.size()));
    const auto piece = s_bytes.first(take);
    current_->update(piece);
    if (previous_) previous_->update(piece);
    position_ += take;
    s_bytes = s_bytes.subspan(take);
    if (previous_ && position_ % kSidecarChunkSize == kIvSize) {
      append_entry(entries_, *previous_);
      previous_.reset();
    }
  }
}

core::Bytes SidecarAccumulator::finish() {
  if (previous_) append_entry(entries_, *previous_);
  if (current_) append_entry(entries_, *current_);
  previous_.reset();
  current_.reset();
  return std::move(entries_);
}

core::Result<void> verify_sidecar_entry(core::BytesView mac_key, core::BytesView sidecar, std::uint64_t n,
                                        std::uint64_t enc_length, core::BytesView window) {
  if (enc_length > kMaxSidecarFileLength) return core::make_error(core::Errc::malformed, "an impossible file length");
  if (n >= sidecar_entry_count(enc_length) || sidecar.size() / kSidecarEntrySize <= n)
    return core::make_error(core::Errc::malformed, "the sidecar has no entry for this chunk");
  const SidecarWindow w = sidecar_window(n, enc_length);
  const std::uint64_t expected_size = w.enc_end - w.enc_begin + (w.starts_with_iv ? kIvSize : 0);
  if (window.size() != expected_size) return core::make_error(core::Errc::malformed, "a sidecar window of the wrong length");
  return crypto::hmac_sha256_verify(mac_key, window, sidecar.subspan(n * kSidecarEntrySize, kSidecarEntrySize));
}

core::Result<core::Bytes> first_frame_sidecar(core::BytesView mac_key, core::BytesView iv, core::BytesView enc_file,
                                              std::uint64_t first_frame_length) {
  const std::uint64_t covered = (first_frame_length + 15) / 16 * 16;
  if (enc_file.size() < kSidecarEntrySize || covered > enc_file.size() - kSidecarEntrySize)
    return core::make_error(core::Errc::malformed, "the first frame is longer than the ciphertext");
  crypto::HmacSha256 mac(mac_key);
  mac.update(iv);
  mac.update(enc_file.first(static_cast<std::size_t>(covered)));
  core::Bytes entries;
  append_entry(entries, mac);
  return entries;
}

}  // namespace parley::protocol::media
