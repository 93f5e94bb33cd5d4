// libsignal's v3 wire layout for SignalMessage and PreKeySignalMessage (spec §5.6):
//   SignalMessage       = version || protobuf {1: ratchetKey(33), 2: counter, 3: previousCounter,
//                         4: ciphertext} || 8-byte MAC
//   PreKeySignalMessage = version || protobuf {1: preKeyId (absent without one), 2: baseKey(33),
//                         3: identityKey(33), 4: message, 5: registrationId, 6: signedPreKeyId}
// Fields are written in field-number order and, proto2 style, even when zero. Any byte whose high
// nibble is 3 is accepted as the version; the receiver checks it.
#pragma once

#include "parley/protocol/message.h"

namespace parley::wire {

// Limits for decoding (spec §5.6): a message larger than this is `malformed` before parsing.
inline constexpr std::size_t kMaxLibsignalMessageSize = 256 * 1024;

class LibsignalCodec final : public protocol::MessageCodec {
 public:
  core::Bytes encode_signal_message(const protocol::SignalMessage& message) const override;
  core::Result<protocol::ReceivedSignalMessage> decode_signal_message(core::BytesView wire) const override;
  core::Bytes encode_prekey_message(const protocol::PreKeySignalMessage& message) const override;
  core::Result<protocol::PreKeySignalMessage> decode_prekey_message(core::BytesView wire) const override;
};

}  // namespace parley::wire
