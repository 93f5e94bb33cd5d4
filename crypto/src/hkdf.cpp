#include "parley/crypto/hkdf.h"

#include <botan/hkdf.h>
#include <botan/hmac.h>
#include <botan/sha2_32.h>

#include "backend.h"

namespace parley::crypto {

core::Result<core::SecretBytes> hkdf_sha256(core::BytesView ikm, core::BytesView salt, core::BytesView info,
                                            std::size_t length) {
  if (length == 0) return core::make_error(core::Errc::malformed, "HKDF length 0");
  if (length > kHkdfSha256MaxLength)
    return core::make_error(core::Errc::limit_exceeded, "HKDF-SHA256 produces at most 8160 bytes");
  return detail::guard(core::Errc::internal, [&]() -> core::Result<core::SecretBytes> {
    Botan::HKDF kdf(new Botan::HMAC(new Botan::SHA_256));
    core::SecretBytes out(length);
    const std::size_t produced =
        kdf.kdf(out.data(), length, ikm.data(), ikm.size(), salt.data(), salt.size(), info.data(), info.size());
    if (produced != length) return core::make_error(core::Errc::internal, "HKDF returned a short output");
    return out;
  });
}

}  // namespace parley::crypto
