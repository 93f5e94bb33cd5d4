#include "parley/crypto/hash.h"

#include <botan/sha2_32.h>
#include <botan/sha2_64.h>

namespace parley::crypto {

// The concrete classes, not HashFunction::create("SHA-256"): no name lookup per call.
Sha256Digest sha256(core::BytesView data) {
  Botan::SHA_256 h;
  h.update(data.data(), data.size());
  Sha256Digest out;
  h.final(out.data());
  return out;
}

Sha512Digest sha512(core::BytesView data) {
  Botan::SHA_512 h;
  h.update(data.data(), data.size());
  Sha512Digest out;
  h.final(out.data());
  return out;
}

}  // namespace parley::crypto
