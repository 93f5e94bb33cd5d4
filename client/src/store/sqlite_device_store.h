// The SQLite device store's class, shared by its source files (one per group of interfaces).
#pragma once

#include <memory>

#include "parley/client/store/device_store.h"
#include "parley/sqlite/database.h"

namespace parley::client {

class SqliteDeviceStore final : public DeviceStore {
 public:
  explicit SqliteDeviceStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

  // DeviceStore
  core::Result<void> begin() override { return db_->begin(true); }
  core::Result<void> commit() override { return db_->commit(); }
  void rollback() noexcept override { db_->rollback(); }
  // The write-ahead log copied into the file and truncated to nothing: secure_delete has already
  // overwritten what was deleted in the file's pages, and the log held the only other copies.
  core::Result<void> checkpoint() override { return db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

  // IdentityStore (sqlite_device_store.cpp)
  core::Result<std::optional<LocalIdentity>> identity() override;
  core::Result<void> save_identity(const LocalIdentity& identity) override;
  core::Result<std::vector<StoredSignedPreKey>> signed_prekeys() override;
  core::Result<void> put_signed_prekey(const StoredSignedPreKey& key) override;
  core::Result<void> delete_signed_prekey(protocol::SignedPreKeyId id) override;
  core::Result<std::map<std::uint32_t, protocol::OneTimePreKey>> one_time_prekeys() override;
  core::Result<void> put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) override;
  core::Result<void> delete_one_time_prekey(protocol::PreKeyId id) override;
  core::Result<std::uint32_t> next_one_time_prekey_id() override;
  core::Result<std::uint64_t> take_message_id() override;
  core::Result<void> start_message_ids(std::uint64_t first) override;

  // SessionStore and DeviceListStore (sqlite_sessions.cpp)
  core::Result<std::optional<StoredSession>> session(std::uint64_t account, std::uint32_t device) override;
  core::Result<std::vector<SessionSummary>> session_summaries() override;
  core::Result<void> save_session(const StoredSession& session) override;
  core::Result<void> set_session_incarnation(std::uint64_t account, std::uint32_t device, std::uint64_t incarnation) override;
  core::Result<void> delete_session(std::uint64_t account, std::uint32_t device) override;
  core::Result<std::optional<StoredDeviceList>> device_list(std::uint64_t account) override;
  core::Result<void> save_device_list(const StoredDeviceList& list) override;

  // MessageStore and OutboxStore (sqlite_messages.cpp)
  core::Result<bool> add_message(const StoredMessage& message) override;
  core::Result<std::vector<StoredMessage>> messages(std::uint64_t chat) override;
  core::Result<std::optional<StoredMessage>> message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                     std::uint64_t message_id) override;
  core::Result<std::vector<ChatSummary>> chats() override;
  core::Result<void> mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id) override;
  core::Result<std::vector<OutgoingRef>> outgoing(std::uint64_t chat, std::uint64_t own_account) override;
  core::Result<bool> add_receipt(std::uint64_t chat, const StoredReceipt& receipt) override;
  core::Result<std::vector<StoredReceipt>> receipts(std::uint64_t chat) override;
  core::Result<bool> note_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override;
  core::Result<void> settle_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override;
  core::Result<std::size_t> receipts_ahead(std::uint64_t chat) override;
  core::Result<void> hold_message(const HeldMessage& message) override;
  core::Result<std::vector<HeldMessage>> held_messages(std::uint64_t account, std::uint32_t device) override;
  core::Result<std::size_t> held_count(std::uint64_t account, std::uint32_t device) override;
  core::Result<std::vector<std::pair<std::uint64_t, std::uint32_t>>> held_senders() override;
  core::Result<void> release_held(std::uint64_t server_id) override;
  core::Result<std::map<std::uint32_t, std::uint64_t>> read_marks(std::uint64_t chat) override;
  core::Result<bool> raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) override;
  core::Result<std::optional<std::int64_t>> setting(const std::string& name) override;
  core::Result<void> set_setting(const std::string& name, std::int64_t value) override;
  core::Result<std::vector<StoredMessage>> unsent(std::uint64_t own_account, std::uint32_t own_device) override;
  core::Result<void> put_pending_receipt(const PendingReceipt& receipt) override;
  core::Result<void> delete_pending_receipt(std::uint64_t id) override;
  core::Result<std::vector<PendingReceipt>> pending_receipts() override;
  core::Result<void> record_send(std::uint64_t server_id, std::uint64_t message_id, std::uint64_t account,
                                 const std::vector<std::uint32_t>& devices) override;
  core::Result<std::optional<std::uint64_t>> sent_to(std::uint64_t server_id, std::uint64_t account, std::uint32_t device) override;
  core::Result<std::vector<std::uint64_t>> recorded_sends() override;

  // GroupStore (sqlite_groups.cpp)
  core::Result<std::optional<StoredGroup>> group(core::BytesView id) override;
  core::Result<std::optional<StoredGroup>> group_of_chat(std::uint64_t chat) override;
  core::Result<std::vector<StoredGroup>> groups() override;
  core::Result<std::uint64_t> save_group(const StoredGroup& group) override;
  core::Result<std::optional<StoredSenderKey>> sender_key(std::uint64_t account, std::uint32_t device,
                                                          core::BytesView distribution_id) override;
  core::Result<void> save_sender_key(const StoredSenderKey& key) override;
  core::Result<void> delete_sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) override;
  core::Result<void> delete_sender_keys(core::BytesView group, std::optional<std::uint64_t> account) override;
  core::Result<std::vector<KeyHolder>> key_holders(core::BytesView group) override;
  core::Result<void> add_key_holder(core::BytesView group, const KeyHolder& holder) override;
  core::Result<void> clear_key_holders(core::BytesView group) override;

 private:
  std::unique_ptr<sqlite::Database> db_;
};

// Reading rows back (shared by the source files).
using Statement = sqlite::Database::Statement;
core::Error corrupt(const std::string& what);
core::Result<crypto::X25519PublicKey> public_key(core::BytesView bytes);
StoredMessage read_message(const Statement& row);

template <typename T>
core::Result<std::optional<T>> first_row(Statement& s, core::Result<T> (*read)(Statement&)) {
  PARLEY_TRY(bool row, s.step());
  if (!row) return std::optional<T>{};
  PARLEY_TRY(auto value, read(s));
  return std::optional<T>(std::move(value));
}

}  // namespace parley::client
