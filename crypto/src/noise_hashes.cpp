#include "parley/crypto/noise_hashes.h"

#include <blake2.h>
#include <botan/blake2b.h>
#include <botan/sha2_32.h>
#include <botan/sha2_64.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "parley/core/secret_bytes.h"

namespace parley::crypto {

namespace {

// Incremental hashing over one of the four functions. Botan 2 has no BLAKE2s, so that one comes
// from libb2 (Debian's libb2-dev).
class Hasher {
 public:
  explicit Hasher(NoiseHash hash) : hash_(hash) {
    if (hash_ == NoiseHash::blake2s) {
      blake2s_init(&b2s_, 32);
    } else {
      botan_ = make_botan(hash_);
    }
  }
  void update(core::BytesView data) {
    if (data.empty()) return;
    if (hash_ == NoiseHash::blake2s) {
      blake2s_update(&b2s_, data.data(), data.size());
    } else {
      botan_->update(data.data(), data.size());
    }
  }
  core::Bytes final() {
    core::Bytes out(hash_length(hash_));
    if (hash_ == NoiseHash::blake2s) {
      blake2s_final(&b2s_, out.data(), out.size());
    } else {
      botan_->final(out.data());
    }
    return out;
  }

 private:
  static std::unique_ptr<Botan::HashFunction> make_botan(NoiseHash hash) {
    switch (hash) {
      case NoiseHash::sha256:
        return std::make_unique<Botan::SHA_256>();
      case NoiseHash::sha512:
        return std::make_unique<Botan::SHA_512>();
      case NoiseHash::blake2b:
        return std::make_unique<Botan::BLAKE2b>(512);
      case NoiseHash::blake2s:
        break;
    }
    throw std::logic_error("unreachable");
  }

  NoiseHash hash_;
  blake2s_state b2s_{};
  std::unique_ptr<Botan::HashFunction> botan_;
};

}  // namespace

std::size_t hash_length(NoiseHash hash) {
  return hash == NoiseHash::sha256 || hash == NoiseHash::blake2s ? 32 : 64;
}

std::size_t block_length(NoiseHash hash) {
  return hash == NoiseHash::sha256 || hash == NoiseHash::blake2s ? 64 : 128;
}

core::Bytes noise_hash(NoiseHash hash, std::initializer_list<core::BytesView> parts) {
  Hasher h(hash);
  for (const auto part : parts) h.update(part);
  return h.final();
}

// RFC 2104 written once over the abstract hash, so all four get the same construction.
core::Bytes noise_hmac(NoiseHash hash, core::BytesView key, core::BytesView data) {
  const std::size_t block = block_length(hash);
  core::SecretBytes padded_key(block);
  if (key.size() > block) {
    const core::Bytes digest = noise_hash(hash, {key});
    std::copy(digest.begin(), digest.end(), padded_key.data());
  } else {
    std::copy(key.begin(), key.end(), padded_key.data());
  }
  core::SecretBytes ipad(block);
  core::SecretBytes opad(block);
  for (std::size_t i = 0; i < block; ++i) {
    ipad.data()[i] = padded_key.data()[i] ^ 0x36;
    opad.data()[i] = padded_key.data()[i] ^ 0x5c;
  }
  core::Bytes inner = noise_hash(hash, {ipad.view(), data});
  core::Bytes out = noise_hash(hash, {opad.view(), inner});
  core::secure_zero(inner.data(), inner.size());
  return out;
}

}  // namespace parley::crypto
