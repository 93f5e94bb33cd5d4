// Strong ids of the server's storage (spec §7.1). Each is a distinct type so that an account id
// can never be passed where a server id is expected; the widths are the wire's (frames.capnp).
#pragma once

#include <compare>
#include <cstdint>

namespace parley::server {

// Allocated by the server, from 1 upwards; never reused.
struct AccountId {
  std::uint64_t value = 0;
  friend auto operator<=>(AccountId, AccountId) = default;
};

// Per account; the primary device is kPrimaryDeviceId. A removed id may be linked again, with a
// new Incarnation.
struct DeviceId {
  std::uint32_t value = 0;
  friend auto operator<=>(DeviceId, DeviceId) = default;
};
inline constexpr DeviceId kPrimaryDeviceId{1};

// Server-wide, from 1 upwards; a device id linked again gets a new one, so its mailbox, keyed by
// (account, device, incarnation), starts empty.
struct Incarnation {
  std::uint64_t value = 0;
  friend auto operator<=>(Incarnation, Incarnation) = default;
};

// The id of a committed send, the same for each destination device's copy. Server-wide and
// monotonic (from 1), so a device's mailbox in server id order is its FIFO order.
struct ServerId {
  std::uint64_t value = 0;
  friend auto operator<=>(ServerId, ServerId) = default;
};

// Chosen by the sending device; with the sender's account and device it is the idempotency key
// of a send.
struct ClientMessageId {
  std::uint64_t value = 0;
  friend auto operator<=>(ClientMessageId, ClientMessageId) = default;
};

// Signed and one-time prekey ids, chosen by the device (spec §4.2, §4.3).
struct PreKeyId {
  std::uint32_t value = 0;
  friend auto operator<=>(PreKeyId, PreKeyId) = default;
};

// Milliseconds since the Unix epoch, as the server's clock reads them.
using TimestampMs = std::uint64_t;

}  // namespace parley::server
