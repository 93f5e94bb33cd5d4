// What the engine tells its driver (spec §8.6, §10): events for the application and frames for the
// server.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "parley/client/store/records.h"
#include "parley/core/error.h"
#include "parley/protocol/receipts/ticks.h"

namespace parley::client {

struct MessageEvent {
  StoredMessage message;
};
// A peer device (or a peer account's key) is no longer the one our session or list trusted.
struct IdentityChangeEvent {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
};
struct SentEvent {  // the server holds every copy (one tick)
  std::uint64_t message_id = 0;
  std::uint64_t chat = 0;
};
// A companion joined this account (primary: after its confirmation, with the list published) or
// this device was linked (companion: after the approval checked out).
struct LinkedEvent {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
};
struct FailedEvent {
  std::uint64_t message_id = 0;  // 0: not about a message we sent
  core::Error error;
};
// The ticks of one of our account's messages moved (spec §10.1): sent, delivered, read, played.
// Messages are named as in the store: the chat, our device that wrote it, its message id.
struct TicksEvent {
  std::uint64_t chat = 0;
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;
  protocol::receipts::Status status = protocol::receipts::Status::pending;
};
// The server delivered the backlog this connection found (its queueEmpty, spec §7.3).
struct CaughtUpEvent {};
// A blob transfer moved (spec §7.1): bytes the server took (upload) or the sink holds (download);
// `complete` once all are, or `error` when it stopped.
struct BlobEvent {
  core::Bytes hash;
  bool upload = true;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  bool complete = false;
  std::optional<core::Error> error;
};
// A group's verified membership moved to `version` (spec §11.3): this device made a change the
// server took, or fetched and verified entries others made.
struct GroupEvent {
  std::uint64_t chat = 0;
  std::uint64_t version = 0;
};
using Event = std::variant<MessageEvent, IdentityChangeEvent, SentEvent, FailedEvent, LinkedEvent, TicksEvent, CaughtUpEvent,
                           BlobEvent, GroupEvent>;

struct EngineOutput {
  std::vector<core::Bytes> frames;  // for the server, in order; sent only after the input committed
  std::vector<Event> events;

  void append(EngineOutput other);
};

}  // namespace parley::client
