// Strong ids of the server's storage (spec §7.1). Each is a distinct type so that an account id
// can never be passed where a server id is expected; the widths are the wire's (frames.capnp).
#pragma once

#include <compare>
#include <cstdint>

namespace parley::server {

template <typename Tag, typename T>
struct StrongId {
  T value = 0;
  friend auto operator<=>(StrongId, StrongId) = default;
};

// Allocated by the server, from 1 upwards; never reused.
using AccountId = StrongId<struct AccountTag, std::uint64_t>;

// Per account; the primary device is kPrimaryDeviceId. A removed id may be linked again, with a
// new Incarnation.
using DeviceId = StrongId<struct DeviceTag, std::uint32_t>;
inline constexpr DeviceId kPrimaryDeviceId{1};

// Server-wide, from 1 upwards; a device id linked again gets a new one, so its mailbox, keyed by
// (account, device, incarnation), starts empty.
using Incarnation = StrongId<struct IncarnationTag, std::uint64_t>;

// The id of a committed send, the same for each destination device's copy. Server-wide and
// monotonic (from 1), so a device's mailbox in server id order is its FIFO order.
using ServerId = StrongId<struct ServerIdTag, std::uint64_t>;

// Chosen by the sending device; with the sender's account and device it is the idempotency key
// of a send.
using ClientMessageId = StrongId<struct ClientMessageIdTag, std::uint64_t>;

// Signed and one-time prekey ids, chosen by the device (spec §4.2, §4.3).
using PreKeyId = StrongId<struct PreKeyIdTag, std::uint32_t>;

// Milliseconds since the Unix epoch, as the server's clock reads them.
using TimestampMs = std::uint64_t;

}  // namespace parley::server
