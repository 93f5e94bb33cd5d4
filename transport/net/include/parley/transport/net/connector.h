// The client side: connect to a server and establish a Parley channel (spec §6.8).
#pragma once

#include <memory>
#include <optional>

#include "parley/core/error.h"
#include "parley/transport/channel/client_channel.h"
#include "parley/transport/net/asio.h"
#include "parley/transport/net/connection.h"
#include "parley/transport/net/settings.h"

namespace parley::transport::net {

// Connects within Timeouts::handshake and runs the handshake within the same budget. Errors:
// `connection_closed` (refused, reset, or closed during the handshake), `timed_out`, and the
// channel's handshake errors (`untrusted_identity` for a server that is not the required one).
// `source` binds the local address first (a load generator spreads many connections over several
// 127.0.0.x addresses, since one address pair has only ~28,000 ephemeral ports).
asio::awaitable<core::Result<std::shared_ptr<Connection>>> connect(tcp::endpoint server,
                                                                   channel::ClientChannelConfig config,
                                                                   Timeouts timeouts = {},
                                                                   ConnectionLimits limits = {},
                                                                   std::optional<asio::ip::address> source = {});

}  // namespace parley::transport::net
