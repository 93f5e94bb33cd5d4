// What handling one frame produces (spec §7.2): frames for the connection that sent it, frames for
// other devices' connections, mailboxes that got mail, and whether the connection must close.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/store/mailboxes.h"

namespace parley::server {

// A device of an account, whatever its incarnation: where a push goes if the device is online.
struct AccountDevice {
  AccountId account;
  DeviceId device;
  friend auto operator<=>(const AccountDevice&, const AccountDevice&) = default;
};

struct HandlerOutput {
  std::vector<core::Bytes> replies;                           // to this connection, in order
  std::vector<std::pair<AccountDevice, core::Bytes>> pushes;  // to another device, if online
  std::vector<MailboxAddress> new_mail;                       // wake these mailboxes' connections
  std::optional<core::Error> close;                           // close this connection after the replies
  std::vector<AccountDevice> removed;                         // close these devices' connections: they are gone
  bool logged_in = false;                                     // the connection just logged in
  std::size_t delivered = 0;                                  // deliver frames among the replies

  void append(HandlerOutput other);
};

}  // namespace parley::server
