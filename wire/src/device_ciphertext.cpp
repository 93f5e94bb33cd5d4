#include "parley/wire/device_ciphertext.h"

#include <algorithm>
#include <string>

namespace parley::wire {

using core::Errc;

namespace {

// A resend after a retry request (spec §8.5) sets the type byte's high bit.
constexpr std::uint8_t kResendFlag = 0x80;

}  // namespace

core::Bytes encode_device_ciphertext(const protocol::OutgoingMessage& message, std::uint64_t retry_of) {
  const std::size_t header = retry_of != 0 ? 9 : 1;
  core::Bytes out(header + message.wire.size());
  out[0] = static_cast<std::uint8_t>(static_cast<std::uint8_t>(message.type) | (retry_of != 0 ? kResendFlag : 0));
  for (std::size_t i = 1; i < header; ++i) out[i] = static_cast<std::uint8_t>(retry_of >> (8 * (8 - i)));
  std::copy(message.wire.begin(), message.wire.end(), out.begin() + static_cast<std::ptrdiff_t>(header));
  return out;
}

core::Result<DeviceCiphertext> decode_device_ciphertext(core::BytesView bytes) {
  if (bytes.size() < 2) return core::make_error(Errc::malformed, "device ciphertext too short");
  const bool resend = (bytes[0] & kResendFlag) != 0;
  const auto type = static_cast<protocol::MessageType>(bytes[0] & ~kResendFlag);
  if (type != protocol::MessageType::whisper && type != protocol::MessageType::prekey)
    return core::make_error(Errc::malformed, "unknown message type " + std::to_string(bytes[0]));
  DeviceCiphertext out;
  std::size_t at = 1;
  if (resend) {
    if (bytes.size() < 10) return core::make_error(Errc::malformed, "resend too short");
    for (; at < 9; ++at) out.retry_of = out.retry_of << 8 | bytes[at];
    if (out.retry_of == 0) return core::make_error(Errc::malformed, "a resend of server id 0");
  }
  out.message = protocol::OutgoingMessage{type, core::Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end())};
  return out;
}

core::Bytes encode_group_ciphertext(core::BytesView sender_key_message) {
  core::Bytes out;
  out.reserve(1 + sender_key_message.size());
  out.push_back(kGroupMessageType);
  out.insert(out.end(), sender_key_message.begin(), sender_key_message.end());
  return out;
}

std::optional<core::BytesView> group_message_of(core::BytesView bytes) {
  if (bytes.empty() || bytes[0] != kGroupMessageType) return std::nullopt;
  return bytes.subspan(1);
}

}  // namespace parley::wire
