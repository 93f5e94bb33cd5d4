// The fan-out planner (spec §8.4): one message to a person becomes one encryption per device of
// theirs and per other device of ours, as WhatsApp's clients do. Pure: it decides from the device
// lists and the sessions the caller holds; the caller fetches bundles, encrypts and sends.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/error.h"
#include "parley/crypto/x25519.h"

namespace parley::protocol::fanout {

struct DeviceAddress {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  friend auto operator<=>(const DeviceAddress&, const DeviceAddress&) = default;
};

// A device as a verified device list (spec §8.3) names it.
struct ListedDevice {
  std::uint32_t device = 0;
  crypto::X25519PublicKey identity_key{};
};

// A session the caller holds with a remote device, and what it was built on.
struct SessionView {
  DeviceAddress address;
  crypto::X25519PublicKey identity_key{};
  std::uint64_t incarnation = 0;  // of the device when the session was built (the bundle's)
};

struct FanoutRequest {
  DeviceAddress self;                       // the sending device
  std::uint64_t peer_account = 0;           // the person written to (may be our own account: a note to self)
  std::vector<ListedDevice> peer_devices;   // the peer's verified list
  std::vector<ListedDevice> own_devices;    // our account's verified list
  std::vector<SessionView> sessions;
  // false: the peer's devices only. A delivered or played receipt (spec §10.2) is of no use to
  // our other devices, and copying it to them would multiply receipt traffic.
  bool copy_to_own_devices = true;
};

enum class Payload : std::uint8_t {
  message,             // the message itself, for the peer's devices
  sent_to_own_device,  // the message wrapped with the peer it went to, for our other devices
};

struct Encryption {
  DeviceAddress to;
  Payload payload = Payload::message;
  // Without a session (or after a reset): fetch this device's bundle, then build a session.
  bool needs_bundle = false;
  std::uint64_t incarnation = 0;  // the session's, when there is one; the bundle's otherwise
};

// A device whose list identity differs from the session's: never encrypted to until the person
// accepts the new key (and the caller drops the old session).
struct IdentityChange {
  DeviceAddress device;
  crypto::X25519PublicKey old_key{};
  crypto::X25519PublicKey new_key{};
};

struct FanoutPlan {
  std::vector<Encryption> encryptions;  // by (account, device); never the sending device itself
  std::vector<IdentityChange> identity_changes;
  // Accounts to fetch bundles for first (each at most once, in order).
  std::vector<std::uint64_t> bundle_fetches;
};

// `malformed` when either list lacks the primary (device 1) or repeats a device, or our own
// list lacks the sending device (a device that is not in its own account's list is removed).
core::Result<FanoutPlan> plan(const FanoutRequest& request);

// The server's deviceMismatch for one destination account (spec §7.1): nothing was queued.
struct Mismatch {
  std::uint64_t account = 0;
  std::vector<std::uint32_t> missing, extra, stale;
};

// What to do about it, for that account only (the other account's send stands on its own).
struct Replan {
  std::uint64_t account = 0;
  std::vector<DeviceAddress> keep;           // ciphertexts already made that stay valid: resend as they are
  std::vector<DeviceAddress> drop;           // extra: no longer devices of the account
  std::vector<DeviceAddress> encrypt_fresh;  // missing and stale: fetch the bundle, new session, encrypt
  // The account's device list changed: fetch and verify it again before trusting the new devices.
  bool refresh_device_list = true;
};

inline constexpr std::size_t kMaxMismatchIds = 64;

// `malformed` for a mismatch that contradicts the plan (an account the plan did not write to, a
// missing device the plan did encrypt for, an extra or stale one it did not, one id in two lists,
// a repeated id, the sending device itself, or nothing wrong at all); `limit_exceeded` past
// kMaxMismatchIds ids. A hostile server gets nothing from a contradiction but an error.
core::Result<Replan> replan(const FanoutPlan& previous, DeviceAddress self, const Mismatch& mismatch);

}  // namespace parley::protocol::fanout
