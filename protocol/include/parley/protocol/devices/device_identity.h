// A companion device's identity as its account vouches for it (spec §8.2): fixed-layout details,
// the primary's account signature and the companion's device signature over them, each over bytes
// that start with their own domain-separation prefix, and every key inside them in its 33-byte form
// 0x05 || key (spec §3.1).
#pragma once

#include <array>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace parley::protocol::devices {

// Domain separation: the first two bytes of everything an identity key signs or a link secret
// MACs in this chapter, so that no signature can be replayed as another kind.
inline constexpr std::array<std::uint8_t, 2> kAccountSignaturePrefix = {0x06, 0x00};
inline constexpr std::array<std::uint8_t, 2> kDeviceSignaturePrefix = {0x06, 0x01};
inline constexpr std::array<std::uint8_t, 2> kDeviceListPrefix = {0x06, 0x02};
inline constexpr std::array<std::uint8_t, 2> kLinkApprovalPrefix = {0x06, 0x03};

inline constexpr std::uint32_t kPrimaryDevice = 1;

struct DeviceIdentity {
  std::uint64_t account = 0;
  std::uint32_t device = 0;     // assigned by the server when the primary links it
  std::uint32_t key_index = 0;  // the primary's counter: one per device ever linked, never reused
  std::uint64_t timestamp_ms = 0;
  friend bool operator==(const DeviceIdentity&, const DeviceIdentity&) = default;
};

inline constexpr std::size_t kDeviceIdentitySize = 24;
core::Bytes encode_device_identity(const DeviceIdentity& details);
core::Result<DeviceIdentity> decode_device_identity(core::BytesView bytes);  // exactly 24 bytes

// 0x06 0x00 || details (24) || companion identity (33): signed by the primary's identity key.
core::Bytes account_signature_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion);
// 0x06 0x01 || details (24) || companion identity (33) || primary identity (33): signed by the
// companion, binding it to exactly this account key.
core::Bytes device_signature_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion,
                                     const crypto::X25519PublicKey& primary);

struct SignedDeviceIdentity {
  DeviceIdentity details;
  crypto::Signature account_signature{};
  crypto::Signature device_signature{};
  friend bool operator==(const SignedDeviceIdentity&, const SignedDeviceIdentity&) = default;
};

// details (24) || account signature (64) || device signature (64)
inline constexpr std::size_t kSignedDeviceIdentitySize = kDeviceIdentitySize + 2 * crypto::kSignatureSize;
core::Bytes encode_signed_device_identity(const SignedDeviceIdentity& identity);
core::Result<SignedDeviceIdentity> decode_signed_device_identity(core::BytesView bytes);

// Both signatures at once (the account's, then the device's), for a holder of both keys: tests,
// vectors and fuzz targets. Linking makes them on two devices, one each (§8.2, linking.h).
core::Result<SignedDeviceIdentity> sign_device_identity(const DeviceIdentity& details, const crypto::X25519KeyPair& primary,
                                                        const crypto::X25519KeyPair& companion, crypto::Entropy& entropy);

// Both signatures (`bad_signature` naming which); what a peer checks of a companion it meets.
core::Result<void> verify_device_identity(const SignedDeviceIdentity& identity, const crypto::X25519PublicKey& companion,
                                          const crypto::X25519PublicKey& primary);

}  // namespace parley::protocol::devices
