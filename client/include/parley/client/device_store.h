// Everything one device is, in its own SQLite file (issue 6): its identity and Noise keys and ids,
// its prekeys, a session per remote device, the device lists it verified, and its messages. A
// device restarted from the file is the same device: every value restores exactly.
//
// The file holds private keys: it is as secret as the device itself (mode 0600, in the profile
// directory). In memory, private keys live in SecretBytes and are wiped when dropped.
//
// Writes are durable when they return (synchronous=FULL). Threads: one DeviceStore per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/error.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/keys.h"
#include "parley/protocol/receipts/ticks.h"
#include "parley/protocol/session.h"
#include "parley/sqlite/database.h"

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

// A device list this device verified (spec §8.3), kept to refuse rollbacks.
struct StoredDeviceList {
  std::uint64_t account = 0;
  std::uint64_t version = 0;
  crypto::X25519PublicKey account_key{};
  core::Bytes signed_list;
  friend bool operator==(const StoredDeviceList&, const StoredDeviceList&) = default;
};

enum class Direction : std::uint8_t { incoming = 0, outgoing = 1 };

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
};


// One message of a chat as this device shows it.
struct StoredMessage {
  std::uint64_t chat = 0;  // the other person's account
  Direction direction = Direction::incoming;
  std::uint64_t sender_account = 0;
  std::uint32_t sender_device = 0;
  std::uint64_t message_id = 0;  // the sender's id for it: with the sender, a message's identity
  std::uint64_t timestamp_ms = 0;
  std::string body;
  friend bool operator==(const StoredMessage&, const StoredMessage&) = default;
};

// A receipt written but not yet acknowledged by the server: sent again after a restart.
struct PendingReceipt {
  std::uint64_t id = 0;    // its message id (the server's idempotency key with this device)
  std::uint64_t peer = 0;  // the account it goes to
  core::Bytes content;     // the encoded Content
};

// A chat as the inbox lists it.
struct ChatSummary {
  std::uint64_t chat = 0;
  std::size_t messages = 0;
  std::size_t unread = 0;  // incoming messages after this device's read marks
  StoredMessage last;
};

class DeviceStore {
 public:
  static core::Result<std::unique_ptr<DeviceStore>> open(const std::filesystem::path& file);

  core::Result<std::optional<LocalIdentity>> identity();
  core::Result<void> save_identity(const LocalIdentity& identity);

  // The prekeys this device can answer with, as the protocol's PreKeyStore wants them.
  core::Result<std::map<std::uint32_t, protocol::SignedPreKey>> signed_prekeys();
  core::Result<void> put_signed_prekey(const protocol::SignedPreKey& key);
  core::Result<std::map<std::uint32_t, protocol::OneTimePreKey>> one_time_prekeys();
  core::Result<void> put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys);
  // Consumed by the first message that used it (spec §5.5): deleted for good.
  core::Result<void> delete_one_time_prekey(protocol::PreKeyId id);
  // The next one-time prekey id to generate (ids are never reused).
  core::Result<std::uint32_t> next_one_time_prekey_id();

  // A new id for a message this device sends: never the same twice, across restarts too (the
  // server's idempotency key is the sending device and this id).
  core::Result<std::uint64_t> take_message_id();
  // Message ids from `first` on (never lower than the counter already is).
  core::Result<void> start_message_ids(std::uint64_t first);

  core::Result<std::optional<StoredSession>> session(std::uint64_t account, std::uint32_t device);
  core::Result<std::vector<StoredSession>> sessions();
  core::Result<void> save_session(const StoredSession& session);
  core::Result<void> delete_session(std::uint64_t account, std::uint32_t device);

  core::Result<std::optional<StoredDeviceList>> device_list(std::uint64_t account);
  core::Result<void> save_device_list(const StoredDeviceList& list);

  // Idempotent by (sender account, sender device, message id): a message stored twice is once.
  // Returns whether it was new.
  core::Result<bool> add_message(const StoredMessage& message);
  core::Result<std::vector<StoredMessage>> messages(std::uint64_t chat);
  // A message by its identity (sender device, message id).
  core::Result<std::optional<StoredMessage>> message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                     std::uint64_t message_id);
  // This device's messages the server has not acknowledged yet (the outbox): sent again, with the
  // same ids, after a restart; the server's idempotency makes a repeat harmless.
  core::Result<std::vector<StoredMessage>> unsent(std::uint64_t own_account, std::uint32_t own_device);
  // Every chat with a message, the latest first.
  core::Result<std::vector<ChatSummary>> chats();

  // --- Receipts (spec §10.2) -------------------------------------------------------------
  // The server holds our message (`sender_account` is ours): its single tick.
  core::Result<void> mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id);
  // Our account's outgoing messages in `chat`, by sending device and id.
  core::Result<std::vector<OutgoingRef>> outgoing(std::uint64_t chat, std::uint64_t own_account);
  // Idempotent: returns whether the receipt mark was new.
  core::Result<bool> add_receipt(std::uint64_t chat, const StoredReceipt& receipt);
  core::Result<std::vector<StoredReceipt>> receipts(std::uint64_t chat);
  // How many of the chat's receipt marks name a message of `own_account` this device does not hold
  // (receipts that came before the copy they are about).
  core::Result<std::size_t> receipts_ahead(std::uint64_t chat, std::uint64_t own_account);
  // How far this device (or, synced, another of ours) read `chat`, per device of the peer.
  core::Result<std::map<std::uint32_t, std::uint64_t>> read_marks(std::uint64_t chat);
  // Raises the mark (never lowers it); returns whether it moved.
  core::Result<bool> raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to);

  // The receipts' outbox, as unsent() is the messages'.
  core::Result<void> put_pending_receipt(const PendingReceipt& receipt);
  core::Result<void> delete_pending_receipt(std::uint64_t id);
  core::Result<std::vector<PendingReceipt>> pending_receipts();

  // --- Settings --------------------------------------------------------------------------
  core::Result<std::optional<std::int64_t>> setting(const std::string& name);
  core::Result<void> set_setting(const std::string& name, std::int64_t value);

 private:
  explicit DeviceStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  // One write transaction around `body`: all of it or none.
  template <typename Body>
  auto write(Body&& body) -> decltype(body()) {
    PARLEY_CHECK(db_->begin(true));
    auto result = body();
    if (!result.ok()) {
      db_->rollback();
      return result;
    }
    if (auto committed = db_->commit(); !committed.ok()) {
      db_->rollback();
      return committed.error();
    }
    return result;
  }

  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace parley::client
