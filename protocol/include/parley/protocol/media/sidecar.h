// The streaming sidecar (spec §12.2): one 10-byte MAC for each 64 KiB of S = IV || uploaded file,
// each covering 16 bytes more than its chunk, so that a reader can check any chunk, with the CBC
// block before it that decrypting it needs, on its own.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/crypto/hmac.h"

namespace parley::protocol::media {

inline constexpr std::uint64_t kSidecarChunkSize = 65536;
inline constexpr std::uint64_t kSidecarWindowSize = kSidecarChunkSize + 16;
inline constexpr std::size_t kSidecarEntrySize = 10;
// Far above any blob limit; it keeps the window arithmetic of a hostile length from overflowing.
inline constexpr std::uint64_t kMaxSidecarFileLength = 1ull << 48;

// Entries in the sidecar of an uploaded file of `enc_length` bytes: n for n*64K < 16 + enc_length.
std::uint64_t sidecar_entry_count(std::uint64_t enc_length);

// Window n of S is S[n*64K, n*64K + 64K + 16), cut at the end of S. As offsets into the uploaded
// file that is [n*64K - 16, (n+1)*64K): for n = 0 its first 16 bytes are the IV instead.
struct SidecarWindow {
  std::uint64_t enc_begin;  // first byte of the uploaded file in the window
  std::uint64_t enc_end;    // one past the last
  bool starts_with_iv;      // window 0: the IV precedes the file's bytes
};
SidecarWindow sidecar_window(std::uint64_t n, std::uint64_t enc_length);

// Builds the sidecar from S given in order, in pieces of any size: at most two windows are open at
// a time (the 16 bytes after a chunk boundary belong to two), so memory stays constant apart from
// the entries themselves (10 bytes per 64 KiB).
class SidecarAccumulator {
 public:
  explicit SidecarAccumulator(core::BytesView mac_key);

  void update(core::BytesView s_bytes);
  // The entries, in order; the accumulator is spent.
  core::Bytes finish();

 private:
  core::SecretBytes key_;
  std::uint64_t position_ = 0;
  std::optional<crypto::HmacSha256> current_;   // window position_ / 64K
  std::optional<crypto::HmacSha256> previous_;  // the window before, for its last 16 bytes
  core::Bytes entries_;
};

// Checks entry n of `sidecar` against `window`, the bytes of window n of S (IV first for n = 0).
// The wrong window length for n, or a sidecar without entry n: `malformed`; a mismatch:
// `decrypt_failed` (constant-time comparison).
core::Result<void> verify_sidecar_entry(core::BytesView mac_key, core::BytesView sidecar, std::uint64_t n,
                                        std::uint64_t enc_length, core::BytesView window);

// A sticker's first-frame sidecar (WhatsApp StickerMessage fields 11 and 12; one public source,
// optional in the vectors): HMAC-SHA256(mac key, IV || ct[0 : ceil(first_frame_length / 16) * 16])
// truncated to 10 bytes, so a viewer can show the first frame of an animated sticker early.
// A first frame longer than the ciphertext (the uploaded file without its MAC): `malformed`.
core::Result<core::Bytes> first_frame_sidecar(core::BytesView mac_key, core::BytesView iv, core::BytesView enc_file,
                                              std::uint64_t first_frame_length);

}  // namespace parley::protocol::media
