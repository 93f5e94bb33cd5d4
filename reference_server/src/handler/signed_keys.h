// A register (or linkDevice) frame's keys, with the identity key's signature over the Noise key
// checked (spec §7.2), so that nobody binds an identity to a Noise key it did not sign.
#pragma once

#include "parley/crypto/xeddsa.h"
#include "parley/server/store/device_registry.h"
#include "parley/wire/frames/accounts.h"

namespace parley::server {

inline core::Result<DeviceKeys> signed_device_keys(const wire::DeviceKeys& k) {
  PARLEY_TRY(const auto identity, crypto::parse_public_key(k.identity_key));
  PARLEY_CHECK(crypto::xeddsa_verify(identity, k.noise_static_key, k.noise_key_signature));
  return DeviceKeys{k.identity_key, k.noise_static_key, k.registration_id};
}

}  // namespace parley::server
