// What a device keeps (spec §8.6, §10.2), as values: its identity, sessions, verified device lists,
// messages, receipts and outbox. The store interfaces (store/*.h) read and write these; every value
// restores exactly.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "parley/core/bytes.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/keys.h"
#include "parley/protocol/receipts/ticks.h"
#include "parley/protocol/session.h"

namespace parley::client {

struct LocalIdentity {
  std::uint64_t account = 0;  // 0 until registered (or linked)
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  std::uint32_t registration_id = 0;
  crypto::X25519KeyPair identity;
  crypto::X25519KeyPair noise;
  crypto::X25519PublicKey server_key{};   // the pinned server (spec §6.8)
  crypto::X25519PublicKey account_key{};  // the primary's identity key: ours if we are the primary
  std::uint32_t next_key_index = 1;       // the primary's linking counter (spec §8.2)
  friend bool operator==(const LocalIdentity&, const LocalIdentity&) = default;
};

// A remote device's session and what it was built on.
struct StoredSession {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  crypto::X25519PublicKey identity_key{};
  protocol::SessionRecord record;
  friend bool operator==(const StoredSession&, const StoredSession&) = default;
};

// A session without its record: what the fan-out planner needs, read without parsing any record.
struct SessionSummary {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  std::uint64_t incarnation = 0;
  crypto::X25519PublicKey identity_key{};
  friend bool operator==(const SessionSummary&, const SessionSummary&) = default;
};

// A device list this device verified (spec §8.3), kept to refuse rollbacks.
struct StoredDeviceList {
  std::uint64_t account = 0;
  std::uint64_t version = 0;
  crypto::X25519PublicKey account_key{};
  core::Bytes signed_list;
  friend bool operator==(const StoredDeviceList&, const StoredDeviceList&) = default;
};

enum class Direction : std::uint8_t { incoming = 0, outgoing = 1 };

// One message of a chat as this device shows it.
struct StoredMessage {
  std::uint64_t chat = 0;  // the other person's account
  Direction direction = Direction::incoming;
  std::uint64_t sender_account = 0;
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;  // the sender's id for it: with the sender, a message's identity
  std::uint64_t timestamp_ms = 0;
  std::string body;
  // Empty, or the attachment the message is (spec §12.4), as wire::encode_media keeps it.
  core::Bytes media{};
  friend bool operator==(const StoredMessage&, const StoredMessage&) = default;
};

// A receipt as the sender's device keeps it (spec §10.2): one mark of one receipt, for a chat's
// outgoing messages. `level` is delivered, read (`message_id`: read up to it) or played.
struct StoredReceipt {
  std::uint64_t member = 0;  // the account that sent the receipt
  protocol::receipts::Status level = protocol::receipts::Status::delivered;
  std::uint32_t sender_device = 0;  // which of our devices sent the message
  std::uint64_t message_id = 0;
  friend auto operator<=>(const StoredReceipt&, const StoredReceipt&) = default;
};

// One of our outgoing messages as the ticks need it.
struct OutgoingRef {
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;
  bool sent = false;  // the server acknowledged it (or a copy of it reached this device)
  friend bool operator==(const OutgoingRef&, const OutgoingRef&) = default;
};

// A receipt written but not yet acknowledged by the server: sent again after a restart.
struct PendingReceipt {
  std::uint64_t id = 0;    // its message id (the server's idempotency key with this device)
  std::uint64_t peer = 0;  // the account it goes to
  core::Bytes content;     // the encoded Content
  friend bool operator==(const PendingReceipt&, const PendingReceipt&) = default;
};

// A signed prekey with the time it became current (spec §4.2: rotated every 2 days, the previous one
// kept for its grace period).
struct StoredSignedPreKey {
  protocol::SignedPreKey key;
  std::uint64_t created_ms = 0;
  friend bool operator==(const StoredSignedPreKey&, const StoredSignedPreKey&) = default;
};

// A message from a device whose identity key changed, kept (and acknowledged to the server) until
// the person decides (spec §8.6): the ciphertext as it was delivered.
struct HeldMessage {
  std::uint64_t server_id = 0;
  std::uint64_t sender_account = 0;
  std::uint32_t sender_device = 0;
  std::uint64_t timestamp_ms = 0;  // the server's
  core::Bytes ciphertext;
  friend bool operator==(const HeldMessage&, const HeldMessage&) = default;
};

// A chat as the inbox lists it.
struct ChatSummary {
  std::uint64_t chat = 0;
  std::size_t messages = 0;
  std::size_t unread = 0;  // incoming messages after this device's read marks
  StoredMessage last;
};

}  // namespace parley::client
