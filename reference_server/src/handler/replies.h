// Building the server's frames (spec §6.9): errors with their wire codes, and the small replies.
#pragma once

#include <cstdint>
#include <string>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/handler/handler_output.h"
#include "parley/server/store/mailboxes.h"
#include "parley/transport/frames_capnp.h"

namespace parley::server::replies {

// The ErrorCode an Errc travels as (spec §6.9's table).
wire::ErrorCode wire_code(core::Errc code);

core::Bytes error(std::uint32_t request_id, wire::ErrorCode code, const std::string& detail,
                  const DeviceMismatch* mismatch = nullptr, std::uint64_t retry_after_ms = 0);
core::Bytes error(std::uint32_t request_id, const core::Error& e);
core::Bytes ok(std::uint32_t request_id);

// A reply that could not be encoded is a server bug (`internal`); the client gets an error frame
// saying so instead of silence.
core::Bytes or_internal(std::uint32_t request_id, core::Result<core::Bytes> frame);

// An output that answers with an error and, when `close`, ends the session.
HandlerOutput refuse(std::uint32_t request_id, const core::Error& e, bool close = false);

}  // namespace parley::server::replies
