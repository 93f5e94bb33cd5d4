// What the person sees (spec §8.6, §10): the chats' messages, the receipt marks that make the ticks
// of our own messages, how far each chat was read, and the device's settings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parley/client/store/records.h"
#include "parley/core/error.h"

namespace parley::client {

class MessageStore {
 public:
  virtual ~MessageStore() = default;

  // Idempotent by (sender account, sender device, message id): a message stored twice is once.
  // Returns whether it was new.
  virtual core::Result<bool> add_message(const StoredMessage& message) = 0;
  virtual core::Result<std::vector<StoredMessage>> messages(std::uint64_t chat) = 0;
  // A message by its identity (sender device, message id).
  virtual core::Result<std::optional<StoredMessage>> message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                             std::uint64_t message_id) = 0;
  // Every chat with a message, the latest first.
  virtual core::Result<std::vector<ChatSummary>> chats() = 0;

  // --- Ticks and receipts (spec §10.2) ------------------------------------------------------
  // The server holds our message (`sender_account` is ours): its single tick.
  virtual core::Result<void> mark_sent(std::uint64_t sender_account, std::uint32_t sender_device,
                                       std::uint64_t message_id) = 0;
  // Our account's outgoing messages in `chat`, by sending device and id, in the order stored.
  virtual core::Result<std::vector<OutgoingRef>> outgoing(std::uint64_t chat, std::uint64_t own_account) = 0;
  // Idempotent: returns whether the receipt mark was new.
  virtual core::Result<bool> add_receipt(std::uint64_t chat, const StoredReceipt& receipt) = 0;
  virtual core::Result<std::vector<StoredReceipt>> receipts(std::uint64_t chat) = 0;
  // Receipt marks that came before the copy of our message they are about (spec §10.2): noted
  // (idempotent; returns whether the mark was new), settled when the copy arrives, and counted per
  // chat without a scan (a hostile peer's mark costs a lookup, not a walk over the chat's receipts).
  virtual core::Result<bool> note_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) = 0;
  virtual core::Result<void> settle_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) = 0;
  virtual core::Result<std::size_t> receipts_ahead(std::uint64_t chat) = 0;
  // How far this device (or, synced, another of ours) read `chat`, per device of the peer.
  virtual core::Result<std::map<std::uint32_t, std::uint64_t>> read_marks(std::uint64_t chat) = 0;
  // Raises the mark (never lowers it); returns whether it moved.
  virtual core::Result<bool> raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) = 0;

  // --- Messages held for an identity decision (spec §8.6) ------------------------------------
  // Idempotent by server id.
  virtual core::Result<void> hold_message(const HeldMessage& message) = 0;
  // The device's held messages, in the order they were delivered.
  virtual core::Result<std::vector<HeldMessage>> held_messages(std::uint64_t account, std::uint32_t device) = 0;
  virtual core::Result<std::size_t> held_count(std::uint64_t account, std::uint32_t device) = 0;
  // The devices with held messages, by (account, device).
  virtual core::Result<std::vector<std::pair<std::uint64_t, std::uint32_t>>> held_senders() = 0;
  virtual core::Result<void> release_held(std::uint64_t server_id) = 0;

  // --- Settings ---------------------------------------------------------------------------
  virtual core::Result<std::optional<std::int64_t>> setting(const std::string& name) = 0;
  virtual core::Result<void> set_setting(const std::string& name, std::int64_t value) = 0;
};

}  // namespace parley::client
