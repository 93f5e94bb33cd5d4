// The signed device list (spec §8.3): which devices an account has and the identity key of each,
// versioned and signed by the primary's identity key. Peers and the server keep the highest version
// they have verified and refuse anything older, so a removed device cannot be brought back by
// replaying an old list.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace parley::protocol::devices {

// A primary and up to four companions (WhatsApp's rule).
inline constexpr std::size_t kMaxDevicesPerAccount = 5;
// A list older than this is refused (WhatsApp's lists expire after at most 35 days): a primary
// republishes its list at least this often, so a verifier is never stuck with a stale one.
inline constexpr std::uint64_t kDeviceListMaxAgeMs = 35ull * 24 * 60 * 60 * 1000;

struct DeviceListEntry {
  std::uint32_t device = 0;
  std::uint32_t key_index = 0;  // 0 for the primary
  crypto::X25519PublicKey identity_key{};
  friend bool operator==(const DeviceListEntry&, const DeviceListEntry&) = default;
};

struct DeviceList {
  std::uint64_t account = 0;
  std::uint64_t version = 0;  // starts at 1 and rises with every change
  std::uint64_t timestamp_ms = 0;
  std::vector<DeviceListEntry> devices;  // ascending device id; device 1 (the primary) first
  friend bool operator==(const DeviceList&, const DeviceList&) = default;
  const DeviceListEntry* find(std::uint32_t device) const;
};

// The to-be-signed bytes: 0x06 0x02 || account (8) || version (8) || timestamp (8) || count (1) ||
// count x (device (4) || key index (4) || identity key (33)), big-endian.
core::Bytes encode_device_list(const DeviceList& list);
// The layout and its rules: ascending unique device ids, the primary (1) present with key index 0,
// 1..kMaxDevicesPerAccount devices, version at least 1. `malformed` otherwise (`bad_key` for a key).
core::Result<DeviceList> decode_device_list(core::BytesView bytes);

// The list inside a signed list, its layout and rules checked but not its signature: for a list a
// device published itself, or to learn the account key from a first list (trust on first use),
// which verify_device_list then checks the signature with. `malformed` without room for a signature.
core::Result<DeviceList> decode_signed_device_list(core::BytesView signed_list);

// The signed form: the to-be-signed bytes followed by the primary's signature (64).
core::Result<core::Bytes> sign_device_list(const DeviceList& list, const crypto::X25519KeyPair& primary_identity,
                                           crypto::Entropy& entropy);

struct DeviceListCheck {
  std::uint64_t account = 0;
  crypto::X25519PublicKey primary_identity{};  // the key this verifier trusts for the account
  std::optional<std::uint64_t> known_version;  // the highest version it verified before
  std::uint64_t now_ms = 0;
};

// Verifies a signed list for `check.account`: `malformed` for a bad layout or a missing signature
// (an unsigned list), `bad_signature`, `untrusted_identity` when the list's primary key is not
// the trusted one, `conflict` for a version below the known one (a rollback), `expired` for a list
// older than kDeviceListMaxAgeMs (or dated more than that ahead of `now`).
core::Result<DeviceList> verify_device_list(core::BytesView signed_list, const DeviceListCheck& check);

}  // namespace parley::protocol::devices
