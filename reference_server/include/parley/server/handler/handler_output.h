// What handling one frame produces (spec §7.2): frames for the session that sent it, frames for
// other devices' sessions, mailboxes that got mail, and whether the session must close.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/store/mailboxes.h"

namespace parley::server {

struct DeviceAddress {
  AccountId account;
  DeviceId device;
  friend auto operator<=>(const DeviceAddress&, const DeviceAddress&) = default;
};

struct HandlerOutput {
  std::vector<core::Bytes> replies;                          // to this session, in order
  std::vector<std::pair<DeviceAddress, core::Bytes>> pushes;  // to another device, if online
  std::vector<MailboxAddress> new_mail;                       // wake these mailboxes' sessions
  std::optional<core::Error> close;                           // close this session after the replies
  std::vector<DeviceAddress> removed;                         // close these devices' sessions: they are gone
  bool logged_in = false;                                     // the session just logged in
  std::size_t delivered = 0;                                  // deliver frames among the replies

  void append(HandlerOutput other);
};

}  // namespace parley::server
