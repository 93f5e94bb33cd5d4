// The key directory (spec §7.1, §4.2, §4.3): each device's signed prekey and its stock of one-time
// prekeys, handed out in bundles, each one-time prekey at most once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/server/store/ids.h"

namespace parley::server {

inline constexpr std::size_t kPreKeyPublicSize = 33;  // 0x05 || key
inline constexpr std::size_t kSignatureSize = 64;     // XEdDSA (spec §3.2)

struct SignedPreKey {
  PreKeyId id;
  core::Bytes public_key;  // kPreKeyPublicSize
  core::Bytes signature;   // kSignatureSize, by the device's identity key; the client verifies it
  friend bool operator==(const SignedPreKey&, const SignedPreKey&) = default;
};

struct OneTimePreKey {
  PreKeyId id;
  core::Bytes public_key;  // kPreKeyPublicSize
  friend bool operator==(const OneTimePreKey&, const OneTimePreKey&) = default;
};

// frames.capnp UploadPreKeys.
struct PreKeyUpload {
  std::optional<SignedPreKey> signed_prekey;  // absent: keep the current one
  std::vector<OneTimePreKey> one_time_prekeys;
};

// One device's bundle (frames.capnp PreKeyBundle) and what is left of its stock.
struct PreKeyBundle {
  DeviceId device;
  Incarnation incarnation;  // what a send to this device must name (spec §7.3)
  std::uint32_t registration_id = 0;
  core::Bytes identity_key;
  std::optional<SignedPreKey> signed_prekey;     // absent until the device uploads one
  std::optional<OneTimePreKey> one_time_prekey;  // absent: the stock ran out
  std::size_t remaining_one_time_prekeys = 0;    // after this fetch
  friend bool operator==(const PreKeyBundle&, const PreKeyBundle&) = default;
};

}  // namespace parley::server
