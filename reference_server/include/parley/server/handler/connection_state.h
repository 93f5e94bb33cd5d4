// What the server knows about one connection (spec §7.2): who the handshake proved the peer to be,
// which device it is logged in as, and where its delivery stands. Owned by the router; the network
// side never touches it. (Not a Signal "session": that word is the ratchet's, spec §5.5.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>

#include "parley/core/bytes.h"
#include "parley/server/store/mailboxes.h"
#include "parley/transport/channel/payloads.h"

namespace parley::server {

struct ConnectionState {
  // From the handshake: the Noise static key it proved, and the device the client claims to be.
  core::Bytes noise_static_key;
  transport::channel::DeviceCredentials claim;

  // Set once logged in (by the claim at the handshake, or by register).
  std::optional<MailboxAddress> device;

  // Delivery (spec §7.3): messages pushed and not yet acknowledged, by server id, at most
  // kMaxInFlight; the cursor is the last server id pushed on this connection. A new connection
  // starts again from 0, so what was pushed but never acknowledged is pushed again.
  std::set<std::uint64_t> in_flight;
  ServerId cursor{0};
  bool queue_empty_sent = false;
};

}  // namespace parley::server
