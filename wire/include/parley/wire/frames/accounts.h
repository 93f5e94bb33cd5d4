// The frames that make and use a device's membership of an account (spec §7.2, §8.2): register,
// login and its reply, and the primary's link and remove with the link's two messages. Value types
// with no Cap'n Proto in them; frame.h encodes and decodes every frame kind.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"

namespace parley::wire {

// A device's keys as it registers them, or as its primary links them (spec §7.2): the identity key
// (33 bytes, 0x05 || key), the Noise static key (32) and the identity key's XEdDSA signature over
// the Noise key (64), which the server checks.
struct DeviceKeys {
  core::Bytes identity_key;
  core::Bytes noise_static_key;
  core::Bytes noise_key_signature;
  std::uint32_t registration_id = 0;
  friend bool operator==(const DeviceKeys&, const DeviceKeys&) = default;
};

// device -> server: a new account with this device as its primary.
struct Register {
  DeviceKeys keys;
  friend bool operator==(const Register&, const Register&) = default;
};

// device -> server: a claim of (account, device); (0, 0) logs in by the proven Noise key.
struct Login {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  friend bool operator==(const Login&, const Login&) = default;
};

// server -> device: logged in, with the device's incarnation, and for a companion's first login by
// key its primary's approval (spec §8.2), once.
struct LoggedIn {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  core::Bytes link_approval;  // empty: none
  friend bool operator==(const LoggedIn&, const LoggedIn&) = default;
};

// primary -> server: a companion's keys, exactly as it would register them.
struct LinkDevice {
  DeviceKeys companion;
  friend bool operator==(const LinkDevice&, const LinkDevice&) = default;
};

// server -> primary: the companion's account, new device id and incarnation.
struct DeviceLinked {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  friend bool operator==(const DeviceLinked&, const DeviceLinked&) = default;
};

// primary -> server: a companion leaves the account (never device 1).
struct RemoveDevice {
  std::uint32_t device = 0;
  friend bool operator==(const RemoveDevice&, const RemoveDevice&) = default;
};

// primary -> server: the approval (spec §8.2) for the companion linked under `device`.
struct LinkApproval {
  std::uint32_t device = 0;
  core::Bytes approval;
  friend bool operator==(const LinkApproval&, const LinkApproval&) = default;
};

// companion -> server -> primary: its signed device identity; the server sets `device` when it
// pushes it (0 when sent).
struct LinkConfirmation {
  std::uint32_t device = 0;
  core::Bytes signed_identity;
  friend bool operator==(const LinkConfirmation&, const LinkConfirmation&) = default;
};

}  // namespace parley::wire
