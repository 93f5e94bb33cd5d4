// What the handshake messages carry (spec §6.8): the server names the frame protocol version it
// will speak; the client, in its final handshake message, names that version and the device it
// claims to be. Fixed layouts, big-endian, exact lengths.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::transport::channel {

// account_id 0 and device_id 0 together mean "not registered yet": the device will send a
// `register` frame. The claim is checked by the server against the Noise static key that the
// handshake authenticated (a device is its key); the transport only carries it.
struct DeviceCredentials {
  std::uint64_t account_id = 0;
  std::uint32_t device_id = 0;
  friend bool operator==(const DeviceCredentials&, const DeviceCredentials&) = default;
  bool registered() const { return account_id != 0 || device_id != 0; }
};

struct ClientPayload {
  std::uint16_t version = 0;
  DeviceCredentials device;
  friend bool operator==(const ClientPayload&, const ClientPayload&) = default;
};

struct ServerPayload {
  std::uint16_t version = 0;
  friend bool operator==(const ServerPayload&, const ServerPayload&) = default;
};

inline constexpr std::size_t kClientPayloadSize = 2 + 8 + 4;
inline constexpr std::size_t kServerPayloadSize = 2;

core::Bytes encode(const ClientPayload& payload);
core::Bytes encode(const ServerPayload& payload);
// A wrong length is `malformed`; a version other than transport::kFrameProtocolVersion is
// `unsupported_version` (after decoding, so a caller can tell which version the peer spoke).
core::Result<ClientPayload> decode_client_payload(core::BytesView bytes);
core::Result<ServerPayload> decode_server_payload(core::BytesView bytes);

}  // namespace parley::transport::channel
