// libsignal's current layout of the two sender-key messages (spec §11.1, "Wire layout"):
//   SenderKeyDistributionMessage = V || protobuf {1: distribution id (16), 2: chain id, 3: iteration,
//                                  4: chain key (32), 5: signing key (33)}
//   SenderKeyMessage             = V || protobuf {1: distribution id (16), 2: chain id, 3: iteration,
//                                  4: ciphertext} || signature (64)
// Written in field order, zeros included (proto2). Decoding follows libsignal's order and kinds:
// too_short, then the version's high nibble (legacy_version, unsupported_version), then the
// protobuf (malformed), then, for a distribution message, the signing key's type (bad_key).
#pragma once

#include "parley/protocol/groups/sender_key_messages.h"

namespace parley::wire {

// Both messages are at least a version byte and 64 bytes (a signature; a chain key and a key).
inline constexpr std::size_t kMinSenderKeyMessageSize = 1 + 64;

class LibsignalSenderKeyCodec final : public protocol::groups::SenderKeyCodec {
 public:
  core::Bytes encode_message(const protocol::groups::SenderKeyMessage& message) const override;
  core::Result<protocol::groups::ReceivedSenderKeyMessage> decode_message(
      core::BytesView wire) const override;
  core::Bytes encode_distribution(
      const protocol::groups::SenderKeyDistributionMessage& message) const override;
  core::Result<protocol::groups::SenderKeyDistributionMessage> decode_distribution(
      core::BytesView wire) const override;
};

}  // namespace parley::wire
