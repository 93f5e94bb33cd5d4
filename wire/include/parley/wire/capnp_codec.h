// Parley's own wire layout for SignalMessage and PreKeySignalMessage (spec §5.7, spec/wire/session.capnp):
//   SignalMessage frame       = V || one single-segment flat Cap'n Proto message || 8-byte MAC
//   PreKeySignalMessage frame = V || one single-segment flat Cap'n Proto message
// V is the session version byte (any 0x3?, as in the libsignal layout). The MAC covers V and the
// message exactly as received: Cap'n Proto encodings are not canonical across writers, so the
// bytes sent are the bytes authenticated, never a re-encoding.
//
// Decoding: frames over kMaxCapnpMessageSize, frames that are not one whole single-segment
// message, and anything Cap'n Proto rejects under the limits of transport/limits.h are `malformed`;
// an unknown layout version is `unsupported_version`; a key of the wrong type or length is
// `bad_key`. Unknown fields are accepted (the MAC covers them) but walked within the same limits.
#pragma once

#include <cstdint>

#include "parley/protocol/message.h"

namespace parley::wire {

// The layout version every message struct carries (wireLayoutVersion in session.capnp).
inline constexpr std::uint8_t kWireLayoutVersion = 1;

class CapnpCodec final : public protocol::MessageCodec {
 public:
  core::Bytes encode_signal_message(const protocol::SignalMessage& message) const override;
  core::Result<protocol::ReceivedSignalMessage> decode_signal_message(core::BytesView wire) const override;
  core::Bytes encode_prekey_message(const protocol::PreKeySignalMessage& message) const override;
  core::Result<protocol::PreKeySignalMessage> decode_prekey_message(core::BytesView wire) const override;
};

}  // namespace parley::wire
