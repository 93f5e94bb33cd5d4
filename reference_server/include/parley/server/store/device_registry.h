// The device registry (spec §7.1): accounts, their devices with the keys that identify them, and
// each account's signed device list.
#pragma once

#include <cstddef>

#include "parley/core/bytes.h"
#include "parley/server/store/ids.h"

namespace parley::server {

inline constexpr std::size_t kIdentityKeySize = 33;     // 0x05 || X25519 public key (spec §3.1)
inline constexpr std::size_t kNoiseStaticKeySize = 32;  // a raw X25519 public key (spec §6.1)

// What a device registers or links with (frames.capnp Register). The server checks the
// signature over the Noise key before it calls the store.
struct DeviceKeys {
  core::Bytes identity_key;      // kIdentityKeySize
  core::Bytes noise_static_key;  // kNoiseStaticKeySize; unique across the server
  std::uint32_t registration_id = 0;
  friend bool operator==(const DeviceKeys&, const DeviceKeys&) = default;
};

struct DeviceRecord {
  AccountId account;
  DeviceId device;
  Incarnation incarnation;
  DeviceKeys keys;
  TimestampMs linked_at_ms = 0;
  // Named by the account's current device list (spec §7.1): a primary is from its registration; a
  // linked companion only once its primary published a list with it. Only listed devices are
  // written to: a link that never completed (a crash, an abandoned QR code) holds up no send.
  bool listed = true;
  friend bool operator==(const DeviceRecord&, const DeviceRecord&) = default;
};

// The account's signed device list (spec §8): opaque to the server, which only refuses a
// rollback to an older version.
struct SignedDeviceList {
  std::uint64_t version = 0;  // a put must be greater than the stored version (which starts at 0)
  core::Bytes signed_list;
  // On a put, the devices the list names (the handler reads them from its layout, spec §7.2): the
  // account's devices become listed exactly as it says. Not kept apart from the list.
  std::optional<std::vector<DeviceId>> devices = std::nullopt;
  friend bool operator==(const SignedDeviceList&, const SignedDeviceList&) = default;
};

}  // namespace parley::server
