// The receipts a device keeps (spec §10.2): which of our messages the server holds, every receipt
// mark for them (replayed into the ticks state machine, so the ticks after a restart are the ticks
// before it), how far this device read each chat, and the device's settings.
#include "parley/client/device_store.h"

namespace parley::client {

using core::Result;
using Statement = sqlite::Database::Statement;
using protocol::receipts::Status;

Result<void> DeviceStore::mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement(
                           "UPDATE messages SET sent = 1 WHERE sender_account = ? AND sender_device = ? AND message_id = ?"));
    return s.bind(sender_account).bind(std::uint64_t{sender_device}).bind(message_id).run();
  });
}

Result<std::vector<OutgoingRef>> DeviceStore::outgoing(std::uint64_t chat, std::uint64_t own_account) {
  PARLEY_TRY(auto s, db_->statement("SELECT sender_device, message_id, sent FROM messages "
                                    "WHERE chat = ? AND direction = 1 AND sender_account = ? ORDER BY rowid"));
  s.bind(chat).bind(own_account);
  return s.rows<OutgoingRef>([](const Statement& row) { return OutgoingRef{row.u32(0), row.u64(1), row.u64(2) != 0}; });
}

Result<bool> DeviceStore::add_receipt(std::uint64_t chat, const StoredReceipt& r) {
  return write([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO receipts VALUES (?, ?, ?, ?, ?)"));
    PARLEY_TRY(const auto changed, s.bind(chat).bind(r.member).bind(std::uint64_t{static_cast<std::uint8_t>(r.level)})
                                       .bind(std::uint64_t{r.sender_device}).bind(r.message_id).run_counting());
    return changed == 1;
  });
}

Result<std::vector<StoredReceipt>> DeviceStore::receipts(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement("SELECT member, level, sender_device, message_id FROM receipts WHERE chat = ?"));
  s.bind(chat);
  return s.rows<StoredReceipt>([](const Statement& row) {
    return StoredReceipt{row.u64(0), static_cast<Status>(row.u32(1)), row.u32(2), row.u64(3)};
  });
}

Result<std::size_t> DeviceStore::receipts_ahead(std::uint64_t chat, std::uint64_t own_account) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT COUNT(*) FROM receipts r WHERE r.chat = ? AND NOT EXISTS (SELECT 1 FROM messages m "
                         "WHERE m.sender_account = ? AND m.sender_device = r.sender_device AND m.message_id = r.message_id)"));
  s.bind(chat).bind(own_account);
  PARLEY_TRY(auto rows, s.rows<std::size_t>([](const Statement& row) { return static_cast<std::size_t>(row.u64(0)); }));
  return rows.empty() ? std::size_t{0} : rows.front();
}

Result<std::map<std::uint32_t, std::uint64_t>> DeviceStore::read_marks(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement("SELECT sender_device, up_to FROM read_marks WHERE chat = ?"));
  s.bind(chat);
  using Mark = std::pair<std::uint32_t, std::uint64_t>;
  PARLEY_TRY(auto rows, s.rows<Mark>([](const Statement& row) { return Mark{row.u32(0), row.u64(1)}; }));
  return std::map<std::uint32_t, std::uint64_t>(rows.begin(), rows.end());
}

Result<bool> DeviceStore::raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) {
  return write([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT INTO read_marks VALUES (?, ?, ?) ON CONFLICT (chat, sender_device) "
                                      "DO UPDATE SET up_to = excluded.up_to WHERE excluded.up_to > up_to"));
    PARLEY_TRY(const auto changed, s.bind(chat).bind(std::uint64_t{sender_device}).bind(up_to).run_counting());
    return changed == 1;
  });
}

Result<std::optional<std::int64_t>> DeviceStore::setting(const std::string& name) {
  PARLEY_TRY(auto s, db_->statement("SELECT value FROM settings WHERE name = ?"));
  s.bind(core::as_bytes(name));
  PARLEY_TRY(auto rows, s.rows<std::int64_t>([](const Statement& row) { return static_cast<std::int64_t>(row.u64(0)); }));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows.front());
}

Result<void> DeviceStore::set_setting(const std::string& name, std::int64_t value) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO settings VALUES (?, ?)"));
    return s.bind(core::as_bytes(name)).bind(static_cast<std::uint64_t>(value)).run();
  });
}

Result<void> DeviceStore::put_pending_receipt(const PendingReceipt& r) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO pending_receipts VALUES (?, ?, ?)"));
    return s.bind(r.id).bind(r.peer).bind(r.content).run();
  });
}

Result<void> DeviceStore::delete_pending_receipt(std::uint64_t id) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("DELETE FROM pending_receipts WHERE id = ?"));
    return s.bind(id).run();
  });
}

Result<std::vector<PendingReceipt>> DeviceStore::pending_receipts() {
  PARLEY_TRY(auto s, db_->statement("SELECT id, peer, content FROM pending_receipts ORDER BY id"));
  return s.rows<PendingReceipt>([](const Statement& row) { return PendingReceipt{row.u64(0), row.u64(1), row.bytes(2)}; });
}

}  // namespace parley::client
