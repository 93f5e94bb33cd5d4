// The two sender-key messages in libsignal's current layout (spec §11.1, "Wire layout"):
//   SenderKeyDistributionMessage = V || protobuf {1: distribution id (16), 2: chain id, 3: iteration,
//                                  4: chain key (32), 5: signing key (33)}
//   SenderKeyMessage             = V || protobuf {1: distribution id (16), 2: chain id, 3: iteration,
//                                  4: ciphertext} || signature (64)
// Written in field order, zeros included (proto2). Decoding follows libsignal's order and kinds:
// too_short, then the version's high nibble (legacy_version, unsupported_version), then the
// protobuf (malformed), then, for a distribution message, the signing key's type (bad_key).
// And in libsignal-protocol-c's older layout, for live interop with that library only (§11.1):
//   SenderKeyDistributionMessage = V || protobuf {1: chain id ("id"), 2: iteration, 3: chain key,
//                                  4: signing key}
//   SenderKeyMessage             = V || protobuf {1: chain id, 2: iteration, 3: ciphertext} ||
//                                  signature (64)
// with the same version byte, key derivation, cipher and signature, and no distribution id.
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

// libsignal-protocol-c names a sender key by (group, sender) outside its messages: every message
// this codec decodes carries `distribution_id`, the caller's name for that group's key, and
// encoding leaves the distribution id out.
class LibsignalCSenderKeyCodec final : public protocol::groups::SenderKeyCodec {
 public:
  explicit LibsignalCSenderKeyCodec(const protocol::groups::DistributionId& distribution_id)
      : distribution_id_(distribution_id) {}
  core::Bytes encode_message(const protocol::groups::SenderKeyMessage& message) const override;
  core::Result<protocol::groups::ReceivedSenderKeyMessage> decode_message(core::BytesView wire) const override;
  core::Bytes encode_distribution(const protocol::groups::SenderKeyDistributionMessage& message) const override;
  core::Result<protocol::groups::SenderKeyDistributionMessage> decode_distribution(
      core::BytesView wire) const override;

 private:
  protocol::groups::DistributionId distribution_id_;
};

}  // namespace parley::wire
