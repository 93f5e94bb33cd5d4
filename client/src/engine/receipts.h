// Receipts (spec §10.2): a device that stores a peer's message tells every device of the sender it
// was delivered; a person reading a chat tells them it was read ("read up to", per sending device).
// Receipts are end-to-end encrypted contents that travel through the outbox like messages, so our
// own other devices get the read ones too: a read receipt of ours marks the chat read on all of
// them. A peer's receipt goes to the ticks (ticks.h).
#pragma once

#include <cstdint>

#include "context.h"
#include "outbox.h"
#include "ticks.h"

namespace parley::client::engine {

class Receipts {
 public:
  Receipts(EngineContext& ctx, Outbox& outbox, Ticks& ticks) : ctx_(ctx), outbox_(outbox), ticks_(ticks) {}

  // A peer's message is stored here (on a redelivery too: the sender's merge ignores a repeat).
  Output delivered(std::uint64_t peer, std::uint32_t sender_device, std::uint64_t message_id);
  // The person saw `chat` up to its latest message.
  Output mark_read(std::uint64_t chat);
  // A receipt content from (sender_account, some device).
  Output on_receipt(std::uint64_t sender_account, const wire::ReceiptBody& receipt);

 private:
  EngineContext& ctx_;
  Outbox& outbox_;
  Ticks& ticks_;
};

}  // namespace parley::client::engine
