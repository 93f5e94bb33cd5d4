#include "parley/protocol/padding.h"

namespace parley::protocol {

core::Result<core::Bytes> pad_plaintext(core::BytesView plaintext, crypto::Entropy& entropy) {
  std::uint8_t r = 0;
  PARLEY_CHECK(entropy.fill({&r, 1}));
  const auto n = static_cast<std::uint8_t>((r & 0x0f) + 1);  // 16 divides 256: uniform
  core::Bytes out(plaintext.begin(), plaintext.end());
  out.insert(out.end(), n, n);
  return out;
}

core::Result<core::Bytes> unpad_plaintext(core::BytesView padded) {
  if (padded.empty()) return core::make_error(core::Errc::malformed, "empty padded plaintext");
  const std::uint8_t n = padded.back();
  if (n == 0 || n > kMaxPadding || n > padded.size())
    return core::make_error(core::Errc::malformed, "bad padding length");
  for (std::size_t i = padded.size() - n; i < padded.size(); ++i)
    if (padded[i] != n) return core::make_error(core::Errc::malformed, "padding bytes disagree");
  return core::Bytes(padded.begin(), padded.end() - n);
}

}  // namespace parley::protocol
