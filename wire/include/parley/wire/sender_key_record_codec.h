// A sender key record in libsignal's storage layout (storage.proto SenderKeyRecordStructure,
// proto3: zero values are not written), so that a record can be compared byte for byte with one
// libsignal stored (spec §11.1, "Stored record"):
//   record = {1: state...}
//   state  = {1: chain id, 2: {1: iteration, 2: chain key}, 3: {1: public (33), 2: private (32)},
//             4: {1: iteration, 2: seed}..., 5: message version}
#pragma once

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/groups/sender_key_state.h"

namespace parley::wire {

core::Bytes encode_sender_key_record(const protocol::groups::SenderKeyRecord& record);

// Unknown fields are skipped. Keys of the wrong length, a public key without its 0x05 type byte, a
// state without its chain key, and more states or message keys than the limits allow are
// `malformed`: a store never holds such a record, so one that does was damaged.
core::Result<protocol::groups::SenderKeyRecord> decode_sender_key_record(core::BytesView bytes);

}  // namespace parley::wire
