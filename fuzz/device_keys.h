// The keys of a device the server fuzz targets register directly in the store: real X25519 keys from
// a seeded stream, so every run is the same run.
#pragma once

#include <cstdint>

#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/server/store/device_registry.h"

namespace parley::fuzz {

inline server::DeviceKeys device_keys(std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  auto identity = crypto::generate_x25519_key_pair(entropy).value();
  auto noise = crypto::generate_x25519_key_pair(entropy).value();
  return server::DeviceKeys{crypto::serialize_public_key(identity.public_key),
                            core::Bytes(noise.public_key.begin(), noise.public_key.end()), 7};
}

}  // namespace parley::fuzz
