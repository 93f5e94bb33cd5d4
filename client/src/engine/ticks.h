// The ticks of this account's messages (spec §10.1, §10.2): one ChatTicks state machine per chat
// and sending device of ours, rebuilt from the store (our messages and every receipt mark kept for
// them) when first needed, so that ticks never go back across restarts; and the setting that turns
// read receipts off.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "context.h"
#include "parley/protocol/receipts/ticks.h"
#include "parley/wire/content.h"

namespace parley::client::engine {

class Ticks {
 public:
  explicit Ticks(EngineContext& ctx) : ctx_(ctx) {}

  core::Result<void> load();
  bool read_receipts() const { return read_receipts_; }
  core::Result<void> set_read_receipts(bool on);
  // Forget the machines held (they are rebuilt from the store when next needed).
  void clear() { machines_.clear(); }

  core::Result<protocol::receipts::Status> status(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id);
  // A message of ours was stored (written here, or a copy from another of our devices); `sent`: the
  // server holds it (marked so in the store). Reports its ticks when they are past pending.
  Output on_outgoing_stored(const StoredMessage& message, bool sent);
  // Adds a message of ours to the machine held for its chat, if one is held.
  void note_outgoing(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id, bool sent);
  // A peer's receipt (spec §10.2): each mark stored (idempotent) and applied; a TicksEvent for every
  // message whose status moved. Marks about messages this device does not hold are ignored (ours) or
  // kept boundedly (another of our devices').
  Output on_peer_receipt(std::uint64_t peer, const wire::ReceiptBody& receipt);

 private:
  struct Machine {
    protocol::receipts::ChatTicks ticks;
    std::vector<std::uint64_t> messages;  // ids, in the order they were written
  };
  using Key = std::pair<std::uint64_t, std::uint32_t>;  // chat, our sending device
  // The chat's machine for one of our devices' messages, rebuilt from the store when not held.
  core::Result<Machine*> machine(std::uint64_t chat, std::uint32_t sender_device);

  EngineContext& ctx_;
  bool read_receipts_ = true;
  std::map<Key, Machine> machines_;
};

}  // namespace parley::client::engine
