// Receiving (spec §8.6): a delivered device ciphertext is decrypted in the session with its sender
// device (or a new one, from a prekey message), its content stored (a message, a copy of our own,
// or a receipt), and the server acknowledged. The session, the message, the consumed prekey and
// the receipts it causes commit together with the input, and the ack leaves only after that: a
// crash anywhere before means a redelivery, which the store recognises by (sender, message id).
//
// Nothing is read from a device its account's verified list does not name with the identity key
// the message's session was made with (spec §8.6, §9): the server, which says who sent a message,
// is not trusted to. A message from an account whose list is not at hand waits (unacknowledged)
// for the list; one that the list does not vouch for waits for the list to be fetched again once,
// and is then dropped, acknowledged and reported.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "context.h"
#include "device_lists.h"
#include "groups.h"
#include "prekey_stock.h"
#include "receipts.h"
#include "retry.h"
#include "ticks.h"

namespace parley::client::engine {

class Inbox {
 public:
  Inbox(EngineContext& ctx, DeviceListCache& lists, PreKeyStock& prekeys, Retry& retry, Receipts& receipts, Ticks& ticks,
        Groups& groups)
      : ctx_(ctx), lists_(lists), prekeys_(prekeys), retry_(retry), receipts_(receipts), ticks_(ticks), groups_(groups) {}

  Output on_deliver(const wire::Deliver& delivered);
  // Messages held for a decision on a device's new key, read now for every device whose old
  // session the person dropped (accepted the new key); those still undecided stay.
  Output replay_held();
  // The account's list was fetched (verified, or refused): what waited for it goes on.
  Output on_list(std::uint64_t account, bool verified);
  // Forgets what waits (it was not acknowledged: the server delivers it again).
  void clear() { waiting_.clear(); }
  // Delivered frames wait for a device list.
  bool waiting() const { return !waiting_.empty(); }

 private:
  struct Waiting {
    std::deque<wire::Deliver> frames;  // in the order they came
    bool refreshed = false;            // the list was fetched again for them already
  };
  // Reads `d` against the list at hand; `refreshed`: the list was fetched again for it.
  Output receive(const wire::Deliver& d, bool refreshed);
  // `d` waits for `account`'s list (fetched again when `refresh`).
  Output wait_for_list(const wire::Deliver& d, bool refresh);
  Output drop(const wire::Deliver& d, const std::string& why);
  // `d` comes from a device whose identity key changed: kept until the person decides.
  Output hold(const wire::Deliver& d);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  PreKeyStock& prekeys_;
  Retry& retry_;
  Receipts& receipts_;
  Ticks& ticks_;
  Groups& groups_;
  std::map<std::uint64_t, Waiting> waiting_;  // by sender account
};

}  // namespace parley::client::engine
