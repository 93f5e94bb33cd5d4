// The handler's answers as frame bytes (spec §6.9): a reply body under the request's id, and the
// error frame that refuses a request.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/handler/handler_output.h"
#include "parley/wire/frames/frame.h"

namespace parley::server::replies {

// The encoded frame; a reply that cannot be encoded is a server bug (`internal`), and the client
// gets an error frame saying so instead of silence.
core::Bytes frame(std::uint32_t request_id, const wire::FrameBody& body);
core::Bytes error(std::uint32_t request_id, const core::Error& e);
core::Bytes ok(std::uint32_t request_id);

// An output with the one reply `body`.
HandlerOutput reply(std::uint32_t request_id, const wire::FrameBody& body);
// An output that answers with an error and, when `close`, ends the connection.
HandlerOutput refuse(std::uint32_t request_id, const core::Error& e, bool close = false);

core::Error unauthorized(const std::string& detail);
core::Error not_logged_in();

}  // namespace parley::server::replies
