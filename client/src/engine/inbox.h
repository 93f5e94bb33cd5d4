// Receiving (spec §8.6): a delivered device ciphertext is decrypted in the session with its sender
// device (or a new one, from a prekey message), its content stored (a message, a copy of our own,
// or a receipt), and the server acknowledged. The session, the message, the consumed prekey and
// the receipts it causes commit together with the input, and the ack leaves only after that: a
// crash anywhere before means a redelivery, which the store recognises by (sender, message id).
#pragma once

#include "context.h"
#include "prekey_stock.h"
#include "receipts.h"
#include "retry.h"
#include "ticks.h"

namespace parley::client::engine {

class Inbox {
 public:
  Inbox(EngineContext& ctx, PreKeyStock& prekeys, Retry& retry, Receipts& receipts, Ticks& ticks)
      : ctx_(ctx), prekeys_(prekeys), retry_(retry), receipts_(receipts), ticks_(ticks) {}

  Output on_deliver(const wire::Deliver& delivered);

 private:
  EngineContext& ctx_;
  PreKeyStock& prekeys_;
  Retry& retry_;
  Receipts& receipts_;
  Ticks& ticks_;
};

}  // namespace parley::client::engine
