#include "media_plaintext.h"

#include <algorithm>

#include "parley/core/big_endian.h"
#include "parley/crypto/hash.h"

namespace parley::conformance::detail {

core::Bytes sha256_ctr(std::string_view seed, std::uint64_t length) {
  core::Bytes out;
  out.reserve(static_cast<std::size_t>(length));
  crypto::Sha256 hash;
  for (std::uint32_t k = 0; out.size() < length; ++k) {
    hash.update(core::as_bytes(seed));
    core::Bytes counter;
    core::append_be(counter, k);
    hash.update(counter);
    const auto block = hash.final();
    const std::size_t take = std::min<std::size_t>(block.size(), static_cast<std::size_t>(length) - out.size());
    out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

core::Result<core::Bytes> read_media_plaintext(const Case& plaintext) {
  PARLEY_TRY(const auto length, plaintext.uint("length"));
  if (length > kMaxGeneratedPlaintext) return plaintext.field_error("length", "over this verifier's 64 MiB");
  if (plaintext.has("hex")) {
    PARLEY_TRY(auto bytes, plaintext.bytes("hex"));
    if (bytes.size() != length) return plaintext.field_error("hex", "does not hold `length` bytes");
    return bytes;
  }
  PARLEY_TRY(const auto generator, plaintext.string("generator"));
  if (generator != kSha256CtrGenerator) return plaintext.field_error("generator", "unknown plaintext generator");
  PARLEY_TRY(const auto seed, plaintext.string("seed"));
  return sha256_ctr(seed, length);
}

}  // namespace parley::conformance::detail
