// The key directory's frames (spec §7.1, §7.2): a device uploads its signed prekey and one-time
// prekeys; any device fetches one bundle per device of an account. Keys travel as the bytes the
// server stores (33-byte public keys, 64-byte signatures); the client parses them with
// to_protocol_bundle, which is where a malformed key is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/keys.h"

namespace parley::wire {

struct SignedPreKeyEntry {
  std::uint32_t id = 0;
  core::Bytes public_key;  // 33 bytes
  core::Bytes signature;   // 64 bytes, by the device's identity key
  friend bool operator==(const SignedPreKeyEntry&, const SignedPreKeyEntry&) = default;
};

struct OneTimePreKeyEntry {
  std::uint32_t id = 0;
  core::Bytes public_key;  // 33 bytes
  friend bool operator==(const OneTimePreKeyEntry&, const OneTimePreKeyEntry&) = default;
};

// device -> server.
struct UploadPreKeys {
  std::optional<SignedPreKeyEntry> signed_prekey;  // absent: keep the current one
  std::vector<OneTimePreKeyEntry> one_time_prekeys;
  friend bool operator==(const UploadPreKeys&, const UploadPreKeys&) = default;
};

// device -> server: bundles for every device of `account`.
struct FetchPreKeys {
  std::uint64_t account = 0;
  friend bool operator==(const FetchPreKeys&, const FetchPreKeys&) = default;
};

// One device's bundle (spec §4.3) with the incarnation a send to it names (spec §7.3).
struct DeviceBundle {
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  std::uint32_t registration_id = 0;
  core::Bytes identity_key;                         // 33 bytes
  std::optional<SignedPreKeyEntry> signed_prekey;   // absent until the device uploaded one
  std::optional<OneTimePreKeyEntry> one_time_prekey;  // absent: the stock ran out
  friend bool operator==(const DeviceBundle&, const DeviceBundle&) = default;
};

// server -> device: the reply to fetchPreKeys.
struct PreKeyBundles {
  std::uint64_t account = 0;
  std::vector<DeviceBundle> bundles;
  friend bool operator==(const PreKeyBundles&, const PreKeyBundles&) = default;
};

// A device's own upload, from its keys: the signed prekey when `signed_prekey` is set, and the
// public halves of `one_time_prekeys`.
UploadPreKeys make_upload(const protocol::SignedPreKey* signed_prekey, std::span<const protocol::OneTimePreKey> one_time_prekeys);

// A bundle as the protocol uses it: nullopt for a device that has uploaded no signed prekey yet
// (nothing can be written to it); `bad_key` for a key of the wrong form, `malformed` for a
// signature of the wrong size. The signature is not checked here: protocol::verify_bundle does.
core::Result<std::optional<protocol::PreKeyBundle>> to_protocol_bundle(const DeviceBundle& bundle);
DeviceBundle from_protocol_bundle(const protocol::PreKeyBundle& bundle, std::uint64_t incarnation);

}  // namespace parley::wire
