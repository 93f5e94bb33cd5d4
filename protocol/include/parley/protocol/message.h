// The session layer's messages as value types (spec §5.4), and the encoder interface through which
// the ratchet obtains the exact bytes its MAC covers. Encodings live in transport/: libsignal's
// protobuf layout and Parley's Cap'n Proto layout implement the same interface.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/keys.h"

namespace parley::protocol {

inline constexpr std::size_t kMacSize = 8;  // libsignal truncates the HMAC-SHA256 to 8 bytes
using MessageMac = std::array<std::uint8_t, kMacSize>;

struct SignalMessage {
  std::uint8_t version_byte = 0x33;  // high nibble: session version; low nibble: sender's current version
  X25519PublicKey ratchet_key{};
  std::uint32_t counter = 0;
  std::uint32_t previous_counter = 0;
  core::Bytes ciphertext;
  friend bool operator==(const SignalMessage&, const SignalMessage&) = default;
};

// A SignalMessage as received: its fields, the exact bytes the MAC covers, and the MAC.
struct ReceivedSignalMessage {
  SignalMessage fields;
  core::Bytes mac_input;
  MessageMac mac{};
};

struct PreKeySignalMessage {
  std::uint8_t version_byte = 0x33;
  RegistrationId registration_id;
  std::optional<PreKeyId> prekey_id;
  SignedPreKeyId signed_prekey_id;
  X25519PublicKey base_key{};
  X25519PublicKey identity_key{};
  core::Bytes message;  // a whole serialized SignalMessage, MAC included
  friend bool operator==(const PreKeySignalMessage&, const PreKeySignalMessage&) = default;
};

class MessageCodec {
 public:
  virtual ~MessageCodec() = default;
  // The serialized message without its MAC: exactly the bytes the MAC covers.
  virtual core::Bytes encode_signal_message(const SignalMessage& message) const = 0;
  virtual core::Result<ReceivedSignalMessage> decode_signal_message(core::BytesView wire) const = 0;
  virtual core::Bytes encode_prekey_message(const PreKeySignalMessage& message) const = 0;
  virtual core::Result<PreKeySignalMessage> decode_prekey_message(core::BytesView wire) const = 0;
};

}  // namespace parley::protocol
