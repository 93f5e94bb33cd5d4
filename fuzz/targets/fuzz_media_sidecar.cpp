// fuzz_media_sidecar: a reader checking one chunk of a streamed attachment against its sidecar
// (spec §12.2), with every number hostile. Input: 8 bytes big-endian file length, 4 bytes chunk
// index, 1 byte sidecar length in entries, then the sidecar, then the window.
// Properties: a typed error or success, never a crash or an overflow; success only for a window of
// exactly the length the file length and index give, and only when the entry is the HMAC of it
// (checked against a direct computation).
#include <cstddef>
#include <cstdint>
#include <algorithm>

#include "check.h"
#include "parley/core/big_endian.h"
#include "parley/crypto/hmac.h"
#include "parley/protocol/media/sidecar.h"

namespace {

namespace media = parley::protocol::media;
using parley::core::BytesView;

const parley::core::Bytes kMacKey(32, 0x24);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parley::core::BigEndianReader in(BytesView(data, size));
  const auto enc_length = in.read<std::uint64_t>();
  const auto n = in.read<std::uint32_t>();
  const auto entries = in.read<std::uint8_t>();
  const BytesView sidecar = in.bytes(std::size_t{entries} * media::kSidecarEntrySize);
  if (!in.ok()) return 0;
  const BytesView window(data + (size - in.remaining()), in.remaining());

  const auto result = media::verify_sidecar_entry(kMacKey, sidecar, n, enc_length, window);
  if (!result.ok()) {
    PARLEY_FUZZ_CHECK(result.code() == parley::core::Errc::malformed ||
                      result.code() == parley::core::Errc::decrypt_failed);
    return 0;
  }
  PARLEY_FUZZ_CHECK(enc_length <= media::kMaxSidecarFileLength);
  PARLEY_FUZZ_CHECK(n < media::sidecar_entry_count(enc_length));
  const auto w = media::sidecar_window(n, enc_length);
  PARLEY_FUZZ_CHECK(window.size() == w.enc_end - w.enc_begin + (w.starts_with_iv ? 16 : 0));
  const auto mac = parley::crypto::hmac_sha256(kMacKey, window);
  PARLEY_FUZZ_CHECK(std::equal(mac.begin(), mac.begin() + media::kSidecarEntrySize,
                               sidecar.begin() + static_cast<std::ptrdiff_t>(n) * media::kSidecarEntrySize));
  return 0;
}
