// The two sender-key messages as value types (spec §11.1), and the codec interface through which
// the group cipher obtains the exact bytes a signature covers. The encodings live in wire/:
// libsignal's current layout (with the distribution id) implements this interface.
#pragma once

#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_array.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"
#include "parley/protocol/groups/distribution_id.h"

namespace parley::protocol::groups {

// Sender-key messages carry version 3 in the high nibble of their first byte; the low nibble is
// libsignal's "current version", also 3, which receivers ignore (the signature still covers it).
inline constexpr std::uint8_t kSenderKeyVersion = 3;
inline constexpr std::uint8_t kSenderKeyVersionByte = (kSenderKeyVersion << 4) | kSenderKeyVersion;

struct SenderKeyMessage {
  std::uint8_t version_byte = kSenderKeyVersionByte;
  DistributionId distribution_id{};
  std::uint32_t chain_id = 0;
  std::uint32_t iteration = 0;
  core::Bytes ciphertext;
  friend bool operator==(const SenderKeyMessage&, const SenderKeyMessage&) = default;
};

// A sender-key message as received: its fields, the bytes its signature covers (everything
// before the signature) and the signature.
struct ReceivedSenderKeyMessage {
  SenderKeyMessage fields;
  core::Bytes signed_bytes;
  crypto::Signature signature{};
};

// Not signed: it travels inside an authenticated pairwise session (spec §9).
struct SenderKeyDistributionMessage {
  std::uint8_t version_byte = kSenderKeyVersionByte;
  DistributionId distribution_id{};
  std::uint32_t chain_id = 0;
  std::uint32_t iteration = 0;
  core::Key32 chain_key;
  crypto::X25519PublicKey signing_key{};
  friend bool operator==(const SenderKeyDistributionMessage&, const SenderKeyDistributionMessage&) = default;
};

class SenderKeyCodec {
 public:
  virtual ~SenderKeyCodec() = default;
  // The message without its signature: exactly the bytes the signature covers.
  virtual core::Bytes encode_message(const SenderKeyMessage& message) const = 0;
  // The receive order's first three checks (spec §11.1): too_short, the version, the protobuf.
  virtual core::Result<ReceivedSenderKeyMessage> decode_message(core::BytesView wire) const = 0;
  virtual core::Bytes encode_distribution(const SenderKeyDistributionMessage& message) const = 0;
  virtual core::Result<SenderKeyDistributionMessage> decode_distribution(core::BytesView wire) const = 0;
};

}  // namespace parley::protocol::groups
