#include "parley/protocol/media/sidecar_reader.h"

#include <algorithm>

#include "parley/core/secret_bytes.h"
#include "parley/crypto/cbc_stream.h"

namespace parley::protocol::media {

namespace {

constexpr std::uint64_t kIvSize = 16;

// A media file is whole blocks and a MAC: 16k + 10 bytes, k >= 1.
bool possible_enc_length(std::uint64_t n) {
  return n > kMediaMacSize && (n - kMediaMacSize) % 16 == 0 && n <= kMaxSidecarFileLength;
}

}  // namespace

SidecarReader::SidecarReader(const MediaKeys& keys, core::BytesView sidecar, std::uint64_t enc_length,
                             const crypto::Sha256Digest& file_sha256)
    : cipher_key_(keys.cipher_key),
      mac_key_(keys.mac_key),
      iv_(keys.iv),
      sidecar_(sidecar.begin(), sidecar.end()),
      enc_length_(enc_length),
      chunks_(sidecar_entry_count(enc_length)),
      file_sha256_(file_sha256) {}

core::Result<SidecarReader> SidecarReader::start(const MediaKeys& keys, core::BytesView sidecar,
                                                 std::uint64_t enc_length, const crypto::Sha256Digest& file_sha256) {
  if (!possible_enc_length(enc_length)) return core::make_error(core::Errc::malformed, "not a media file's length");
  if (sidecar.size() != sidecar_entry_count(enc_length) * kSidecarEntrySize)
    return core::make_error(core::Errc::malformed, "the sidecar does not have one entry per chunk");
  return SidecarReader(keys, sidecar, enc_length, file_sha256);
}

core::Result<core::Bytes> SidecarReader::open(std::uint64_t n, core::BytesView file_bytes) {
  if (n != next_) return core::make_error(core::Errc::malformed, "chunks are opened in order");
  const SidecarWindow w = window(n);
  // S's bytes of the window: the IV first for window 0.
  core::Bytes s_window = w.starts_with_iv ? core::to_bytes(iv_.view()) : core::Bytes{};
  s_window.insert(s_window.end(), file_bytes.begin(), file_bytes.end());
  PARLEY_CHECK(verify_sidecar_entry(mac_key_.view(), sidecar_, n, enc_length_, s_window));

  // The window is S[n*64K, ...): its first 16 bytes are the CBC block before the chunk's
  // ciphertext, which runs to the window's end or to the MAC, whichever comes first.
  const std::uint64_t s_begin = n * kSidecarChunkSize;
  const std::uint64_t ct_end_in_s = kIvSize + enc_length_ - kMediaMacSize;
  const std::uint64_t chunk_begin = s_begin + kIvSize;
  const std::uint64_t chunk_end = std::min<std::uint64_t>(s_begin + s_window.size(), ct_end_in_s);
  if (chunk_begin >= chunk_end) {  // only MAC bytes in this window: nothing to decrypt
    ++next_;
    return core::Bytes{};
  }
  core::SecretBytes plain(core::BytesView(s_window).subspan(kIvSize, chunk_end - chunk_begin));
  PARLEY_TRY(auto cbc, crypto::Aes256CbcStream::start(crypto::Aes256CbcStream::Direction::decrypt,
                                                      cipher_key_.view(), core::BytesView(s_window).first(kIvSize)));
  PARLEY_CHECK(cbc.process(plain.span()));
  std::size_t keep = plain.size();
  if (chunk_end == ct_end_in_s) {  // the last block: strict PKCS#7
    const std::uint8_t pad = plain[plain.size() - 1];
    bool ok = pad >= 1 && pad <= 16 && pad <= plain.size();
    for (std::size_t i = 0; ok && i < pad; ++i) ok = plain[plain.size() - 1 - i] == pad;
    if (!ok) return core::make_error(core::Errc::decrypt_failed, "bad PKCS#7 padding");
    keep -= pad;
  }
  const auto released = plain.view().first(keep);
  plain_hash_.update(released);
  ++next_;
  return core::to_bytes(released);
}

core::Result<void> SidecarReader::finish() {
  if (next_ != chunks_) return core::make_error(core::Errc::malformed, "not every chunk was opened");
  if (!core::constant_time_equal(plain_hash_.final(), file_sha256_))
    return core::make_error(core::Errc::decrypt_failed, "the plaintext's SHA-256 differs");
  return {};
}

}  // namespace parley::protocol::media
