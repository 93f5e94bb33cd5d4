// The device ciphertext (spec §8.6): what a send carries for one destination device, the pairwise
// session message's type byte followed by the message. Its own layer of the nested encodings
// (spec §2.5): a Content, padded, is encrypted into a session message, which this wraps.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/session.h"

namespace parley::wire {

// A device ciphertext: type (1: 2 whisper, 3 prekey) || the pairwise message. A resend after a
// retry request (spec §8.5) sets the type's high bit and puts the original message's server id
// (8, big-endian) before the message, so that the asking device counts its attempts per message.
struct DeviceCiphertext {
  protocol::OutgoingMessage message;
  std::uint64_t retry_of = 0;  // 0: not a resend
};
core::Bytes encode_device_ciphertext(const protocol::OutgoingMessage& message, std::uint64_t retry_of = 0);

// A group message (spec §11.3): type 4 || the sender-key message (libsignal's layout), the one
// ciphertext a groupSend carries for every member device. Never a resend: a retry answers with the
// content over the pairwise session.
inline constexpr std::uint8_t kGroupMessageType = 4;
core::Bytes encode_group_ciphertext(core::BytesView sender_key_message);
// The sender-key message of a group ciphertext; nullopt when the bytes are of another type.
std::optional<core::BytesView> group_message_of(core::BytesView bytes);
core::Result<DeviceCiphertext> decode_device_ciphertext(core::BytesView bytes);

}  // namespace parley::wire
