// The SQLite device store's messages, receipt marks, read marks, settings and outbox (spec §8.6,
// §10.2). The receipt marks are replayed into the ticks state machine, so the ticks after a
// restart are the ticks before it.
#include <algorithm>

#include "parley/client/testing/mutation.h"
#include "parley/protocol/retry/retry.h"
#include "sqlite_device_store.h"

namespace parley::client {

using core::Result;
using protocol::receipts::Status;

StoredMessage read_message(const Statement& row) {
  const auto body = row.bytes(6);
  return StoredMessage{row.u64(0), row.u64(1) == 1 ? Direction::outgoing : Direction::incoming, row.u64(2), row.u32(3),
                       row.u64(4), row.u64(5), std::string(body.begin(), body.end()), row.bytes(8)};
}

Result<bool> SqliteDeviceStore::add_message(const StoredMessage& m) {
  return db_->transaction([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO messages(chat, direction, sender_account, sender_device, message_id, timestamp_ms, body, sent, media) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)"));
    PARLEY_TRY(const auto changed, s.bind(m.chat).bind(std::uint64_t{static_cast<std::uint8_t>(m.direction)})
                                       .bind(m.sender_account).bind(std::uint64_t{m.sender_device}).bind(m.message_id)
                                       .bind(m.timestamp_ms).bind(core::as_bytes(m.body)).bind(m.media).run_counting());
    return changed == 1;
  });
}

Result<std::optional<StoredMessage>> SqliteDeviceStore::message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                          std::uint64_t message_id) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body, sent, media "
                         "FROM messages WHERE sender_account = ? AND sender_device = ? AND message_id = ?"));
  s.bind(sender_account).bind(std::uint64_t{sender_device}).bind(message_id);
  PARLEY_TRY(auto rows, s.rows<StoredMessage>(read_message));
  if (rows.empty()) return std::optional<StoredMessage>{};
  return std::optional<StoredMessage>(std::move(rows.front()));
}

Result<std::vector<StoredMessage>> SqliteDeviceStore::messages(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body, sent, media "
                         "FROM messages WHERE chat = ? ORDER BY timestamp_ms, rowid"));
  s.bind(chat);
  return s.rows<StoredMessage>(read_message);
}

Result<std::vector<StoredMessage>> SqliteDeviceStore::unsent(std::uint64_t own_account, std::uint32_t own_device) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body, sent, media "
                         "FROM messages WHERE direction = 1 AND sent = 0 AND sender_account = ? AND sender_device = ? "
                         "ORDER BY message_id"));
  s.bind(own_account).bind(std::uint64_t{own_device});
  return s.rows<StoredMessage>(read_message);
}

Result<std::vector<ChatSummary>> SqliteDeviceStore::chats() {
  // Unread: incoming messages past the read mark of the peer device that sent them.
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT m.chat, COUNT(*), "
                         "SUM(m.direction = 0 AND m.message_id > COALESCE(r.up_to, 0)), MAX(m.rowid) "
                         "FROM messages m LEFT JOIN read_marks r ON r.chat = m.chat AND r.sender_device = m.sender_device "
                         "GROUP BY m.chat"));
  struct Row {
    ChatSummary summary;
    std::uint64_t last_rowid;
  };
  PARLEY_TRY(auto rows, s.rows<Row>([](const Statement& row) {
    return Row{ChatSummary{row.u64(0), static_cast<std::size_t>(row.u64(1)), static_cast<std::size_t>(row.u64(2)), {}},
               row.u64(3)};
  }));
  std::vector<ChatSummary> out;
  for (auto& row : rows) {
    PARLEY_TRY(auto last, db_->statement(
                              "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body, sent, media "
                              "FROM messages WHERE rowid = ?"));
    last.bind(row.last_rowid);
    PARLEY_TRY(auto found, last.rows<StoredMessage>(read_message));
    if (found.empty()) return corrupt("a chat's last message vanished");
    row.summary.last = std::move(found.front());
    out.push_back(std::move(row.summary));
  }
  std::sort(out.begin(), out.end(), [](const ChatSummary& a, const ChatSummary& b) {
    return a.last.timestamp_ms > b.last.timestamp_ms;
  });
  return out;
}

Result<void> SqliteDeviceStore::mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement(
                           "UPDATE messages SET sent = 1 WHERE sender_account = ? AND sender_device = ? AND message_id = ?"));
    return s.bind(sender_account).bind(std::uint64_t{sender_device}).bind(message_id).run();
  });
}

Result<std::vector<OutgoingRef>> SqliteDeviceStore::outgoing(std::uint64_t chat, std::uint64_t own_account) {
  PARLEY_TRY(auto s, db_->statement("SELECT sender_device, message_id, sent FROM messages "
                                    "WHERE chat = ? AND direction = 1 AND sender_account = ? ORDER BY rowid"));
  s.bind(chat).bind(own_account);
  return s.rows<OutgoingRef>([](const Statement& row) { return OutgoingRef{row.u32(0), row.u64(1), row.u64(2) != 0}; });
}

Result<bool> SqliteDeviceStore::add_receipt(std::uint64_t chat, const StoredReceipt& r) {
  return db_->transaction([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO receipts VALUES (?, ?, ?, ?, ?)"));
    PARLEY_TRY(const auto changed, s.bind(chat).bind(r.member).bind(std::uint64_t{static_cast<std::uint8_t>(r.level)})
                                       .bind(std::uint64_t{r.sender_device}).bind(r.message_id).run_counting());
    return changed == 1;
  });
}

Result<std::vector<StoredReceipt>> SqliteDeviceStore::receipts(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement("SELECT member, level, sender_device, message_id FROM receipts WHERE chat = ?"));
  s.bind(chat);
  return s.rows<StoredReceipt>([](const Statement& row) {
    return StoredReceipt{row.u64(0), static_cast<Status>(row.u32(1)), row.u32(2), row.u64(3)};
  });
}

Result<bool> SqliteDeviceStore::note_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) {
  return db_->transaction([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO receipts_ahead VALUES (?, ?, ?)"));
    PARLEY_TRY(const auto added, s.bind(chat).bind(std::uint64_t{sender_device}).bind(message_id).run_counting());
    if (added == 0) return false;
    PARLEY_TRY(auto count, db_->statement("INSERT INTO receipts_ahead_count VALUES (?, 1) ON CONFLICT (chat) DO UPDATE SET n = n + 1"));
    PARLEY_CHECK(count.bind(chat).run());
    return true;
  });
}

Result<void> SqliteDeviceStore::settle_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("DELETE FROM receipts_ahead WHERE chat = ? AND sender_device = ? AND message_id = ?"));
    PARLEY_TRY(const auto removed, s.bind(chat).bind(std::uint64_t{sender_device}).bind(message_id).run_counting());
    if (removed == 0) return {};
    PARLEY_TRY(auto count, db_->statement("UPDATE receipts_ahead_count SET n = n - 1 WHERE chat = ?"));
    return count.bind(chat).run();
  });
}

Result<std::size_t> SqliteDeviceStore::receipts_ahead(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement("SELECT n FROM receipts_ahead_count WHERE chat = ?"));
  s.bind(chat);
  PARLEY_TRY(auto rows, s.rows<std::size_t>([](const Statement& row) { return static_cast<std::size_t>(row.u64(0)); }));
  return rows.empty() ? std::size_t{0} : rows.front();
}

Result<void> SqliteDeviceStore::hold_message(const HeldMessage& m) {
  PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO held_messages VALUES (?, ?, ?, ?, ?)"));
  return s.bind(m.server_id).bind(m.sender_account).bind(std::uint64_t{m.sender_device}).bind(m.timestamp_ms).bind(m.ciphertext).run();
}

Result<std::vector<HeldMessage>> SqliteDeviceStore::held_messages(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement("SELECT server_id, sender_account, sender_device, timestamp_ms, ciphertext FROM held_messages "
                                    "WHERE sender_account = ? AND sender_device = ? ORDER BY server_id"));
  s.bind(account).bind(std::uint64_t{device});
  return s.rows<HeldMessage>([](const Statement& row) {
    return HeldMessage{row.u64(0), row.u64(1), row.u32(2), row.u64(3), row.bytes(4)};
  });
}

Result<std::size_t> SqliteDeviceStore::held_count(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement("SELECT COUNT(*) FROM held_messages WHERE sender_account = ? AND sender_device = ?"));
  s.bind(account).bind(std::uint64_t{device});
  PARLEY_TRY(auto rows, s.rows<std::size_t>([](const Statement& row) { return static_cast<std::size_t>(row.u64(0)); }));
  return rows.empty() ? std::size_t{0} : rows.front();
}

Result<std::vector<std::pair<std::uint64_t, std::uint32_t>>> SqliteDeviceStore::held_senders() {
  PARLEY_TRY(auto s, db_->statement("SELECT DISTINCT sender_account, sender_device FROM held_messages ORDER BY 1, 2"));
  using Sender = std::pair<std::uint64_t, std::uint32_t>;
  return s.rows<Sender>([](const Statement& row) { return Sender{row.u64(0), row.u32(1)}; });
}

Result<void> SqliteDeviceStore::release_held(std::uint64_t server_id) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM held_messages WHERE server_id = ?"));
  return s.bind(server_id).run();
}

Result<std::map<std::uint32_t, std::uint64_t>> SqliteDeviceStore::read_marks(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement("SELECT sender_device, up_to FROM read_marks WHERE chat = ?"));
  s.bind(chat);
  using Mark = std::pair<std::uint32_t, std::uint64_t>;
  PARLEY_TRY(auto rows, s.rows<Mark>([](const Statement& row) { return Mark{row.u32(0), row.u64(1)}; }));
  return std::map<std::uint32_t, std::uint64_t>(rows.begin(), rows.end());
}

Result<bool> SqliteDeviceStore::raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) {
  return db_->transaction([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT INTO read_marks VALUES (?, ?, ?) ON CONFLICT (chat, sender_device) "
                                      "DO UPDATE SET up_to = excluded.up_to WHERE excluded.up_to > up_to"));
    PARLEY_TRY(const auto changed, s.bind(chat).bind(std::uint64_t{sender_device}).bind(up_to).run_counting());
    return changed == 1;
  });
}

Result<std::optional<std::int64_t>> SqliteDeviceStore::setting(const std::string& name) {
  PARLEY_TRY(auto s, db_->statement("SELECT value FROM settings WHERE name = ?"));
  s.bind(core::as_bytes(name));
  PARLEY_TRY(auto rows, s.rows<std::int64_t>([](const Statement& row) { return static_cast<std::int64_t>(row.u64(0)); }));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows.front());
}

Result<void> SqliteDeviceStore::set_setting(const std::string& name, std::int64_t value) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO settings VALUES (?, ?)"));
    return s.bind(core::as_bytes(name)).bind(static_cast<std::uint64_t>(value)).run();
  });
}

Result<void> SqliteDeviceStore::put_pending_receipt(const PendingReceipt& r) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO pending_receipts VALUES (?, ?, ?)"));
    return s.bind(r.id).bind(r.peer).bind(r.content).run();
  });
}

Result<void> SqliteDeviceStore::delete_pending_receipt(std::uint64_t id) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("DELETE FROM pending_receipts WHERE id = ?"));
    return s.bind(id).run();
  });
}

Result<std::vector<PendingReceipt>> SqliteDeviceStore::pending_receipts() {
  PARLEY_TRY(auto s, db_->statement("SELECT id, peer, content FROM pending_receipts ORDER BY id"));
  return s.rows<PendingReceipt>([](const Statement& row) { return PendingReceipt{row.u64(0), row.u64(1), row.bytes(2)}; });
}

Result<void> SqliteDeviceStore::record_send(std::uint64_t server_id, std::uint64_t message_id, std::uint64_t account,
                                             const std::vector<std::uint32_t>& devices) {
  return db_->transaction([&]() -> Result<void> {
    for (const auto device : devices) {
      PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO sent_copies VALUES (?, ?, ?, ?)"));
      PARLEY_CHECK(s.bind(server_id).bind(account).bind(std::uint64_t{device}).bind(message_id).run());
    }
    // Only the kMaxTrackedMessages newest sends are answered: older ones go.
    PARLEY_TRY(auto prune, db_->statement(
                               "DELETE FROM sent_copies WHERE server_id < (SELECT MIN(server_id) FROM "
                               "(SELECT DISTINCT server_id FROM sent_copies ORDER BY server_id DESC LIMIT ?))"));
    return prune.bind(std::uint64_t{protocol::retry::kMaxTrackedMessages}).run();
  });
}

Result<std::optional<std::uint64_t>> SqliteDeviceStore::sent_to(std::uint64_t server_id, std::uint64_t account, std::uint32_t device) {
  if (mutation::on(mutation::Defect::retry_any_asker)) {  // whoever asks: the first copy's
    PARLEY_TRY(auto any, db_->statement("SELECT message_id FROM sent_copies WHERE server_id = ? LIMIT 1"));
    any.bind(server_id);
    PARLEY_TRY(auto rows, any.rows<std::uint64_t>([](const Statement& row) { return row.u64(0); }));
    return rows.empty() ? std::optional<std::uint64_t>{} : std::optional<std::uint64_t>(rows.front());
  }
  PARLEY_TRY(auto s, db_->statement("SELECT message_id FROM sent_copies WHERE server_id = ? AND account = ? AND device = ?"));
  s.bind(server_id).bind(account).bind(std::uint64_t{device});
  PARLEY_TRY(auto rows, s.rows<std::uint64_t>([](const Statement& row) { return row.u64(0); }));
  if (rows.empty()) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>(rows.front());
}

Result<std::vector<std::uint64_t>> SqliteDeviceStore::recorded_sends() {
  PARLEY_TRY(auto s, db_->statement("SELECT DISTINCT server_id FROM sent_copies ORDER BY server_id"));
  return s.rows<std::uint64_t>([](const Statement& row) { return row.u64(0); });
}

}  // namespace parley::client
