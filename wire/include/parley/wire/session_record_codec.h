// The persisted form of a session record (spec §5.8, SessionRecord in spec/wire/session.capnp): one
// single-segment flat Cap'n Proto message holding every field of every session, the skipped keys
// in their insertion order, so that a restored record is equal to the original and behaves
// identically from then on.
//
// Restoring checks what the protocol relies on: records over kMaxSessionRecordSize or that Cap'n
// Proto rejects are `malformed`, an unknown format version is `unsupported_version`, a key of the
// wrong type or length is `bad_key`, and more receiver chains, archived sessions or skipped keys
// than protocol/limits.h allows is `limit_exceeded`.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/session.h"

namespace parley::wire {

// sessionRecordFormatVersion in session.capnp.
inline constexpr std::uint16_t kSessionRecordFormatVersion = 1;

// The returned bytes hold every key of the record: store them as carefully as the record itself.
core::Bytes session_record_serialize(const protocol::SessionRecord& record);
core::Result<protocol::SessionRecord> session_record_deserialize(core::BytesView stored);

}  // namespace parley::wire
