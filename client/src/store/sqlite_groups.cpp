// The SQLite device store's groups (spec §11.3): each group's verified log, the sender keys, and
// the devices that were sent this device's current key. A group's chat number is kFirstGroupChat
// plus its row's number, given once by SQLite and never reused (groups are not deleted).
#include "sqlite_device_store.h"

namespace parley::client {

using core::Result;

namespace {

// The log as one value: each entry's length (4 bytes, big-endian) and bytes.
core::Bytes join_log(const std::vector<core::Bytes>& entries) {
  core::Bytes out;
  for (const auto& e : entries) {
    const auto n = static_cast<std::uint32_t>(e.size());
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

Result<std::vector<core::Bytes>> split_log(core::BytesView bytes) {
  std::vector<core::Bytes> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 4) return corrupt("a group's log is cut short");
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = n << 8 | bytes[at + static_cast<std::size_t>(i)];
    at += 4;
    if (bytes.size() - at < n) return corrupt("a group's log is cut short");
    out.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  return out;
}

Result<StoredGroup> read_group(Statement& s) {
  StoredGroup out{s.bytes(1), kFirstGroupChat + s.u64(0), {}, s.bytes(3)};
  PARLEY_TRY(out.log, split_log(s.bytes(2)));
  return out;
}

Result<StoredSenderKey> read_sender_key(Statement& s) {
  return StoredSenderKey{s.u64(0), s.u32(1), s.bytes(2), s.bytes(3), s.bytes(4)};
}


}  // namespace

Result<std::optional<StoredGroup>> SqliteDeviceStore::group(core::BytesView id) {
  PARLEY_TRY(auto s, db_->statement("SELECT chat_index, group_id, log, own_distribution FROM groups WHERE group_id = ?"));
  const auto key = core::to_bytes(id);  // bound without a copy: it must outlive the step
  s.bind(key);
  return first_row<StoredGroup>(s, read_group);
}

Result<std::optional<StoredGroup>> SqliteDeviceStore::group_of_chat(std::uint64_t chat) {
  if (!is_group_chat(chat)) return std::optional<StoredGroup>{};
  PARLEY_TRY(auto s, db_->statement("SELECT chat_index, group_id, log, own_distribution FROM groups WHERE chat_index = ?"));
  s.bind(chat - kFirstGroupChat);  // an integer: copied
  return first_row<StoredGroup>(s, read_group);
}

Result<std::vector<StoredGroup>> SqliteDeviceStore::groups() {
  PARLEY_TRY(auto s, db_->statement("SELECT chat_index, group_id, log, own_distribution FROM groups ORDER BY chat_index"));
  std::vector<StoredGroup> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    PARLEY_TRY(auto g, read_group(s));
    out.push_back(std::move(g));
  }
}

Result<std::uint64_t> SqliteDeviceStore::save_group(const StoredGroup& group) {
  return db_->transaction([&]() -> Result<std::uint64_t> {
    PARLEY_TRY(auto s, db_->statement(
                           "INSERT INTO groups(group_id, log, own_distribution) VALUES (?, ?, ?) "
                           "ON CONFLICT(group_id) DO UPDATE SET log = excluded.log, own_distribution = excluded.own_distribution "
                           "RETURNING chat_index"));
    const auto log = join_log(group.log);
    s.bind(group.group).bind(log).bind(group.own_distribution);
    PARLEY_TRY(bool row, s.step());
    if (!row) return corrupt("a group was not saved");
    return kFirstGroupChat + s.u64(0);
  });
}

Result<std::optional<StoredSenderKey>> SqliteDeviceStore::sender_key(std::uint64_t account, std::uint32_t device,
                                                                     core::BytesView distribution_id) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT account, device, distribution_id, group_id, record FROM sender_keys "
                         "WHERE account = ? AND device = ? AND distribution_id = ?"));
  const auto key = core::to_bytes(distribution_id);
  s.bind(account).bind(std::uint64_t{device}).bind(key);
  return first_row<StoredSenderKey>(s, read_sender_key);
}

Result<void> SqliteDeviceStore::save_sender_key(const StoredSenderKey& key) {
  PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO sender_keys VALUES (?, ?, ?, ?, ?)"));
  return s.bind(key.account).bind(std::uint64_t{key.device}).bind(key.distribution_id).bind(key.group).bind(key.record).run();
}

Result<void> SqliteDeviceStore::delete_sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM sender_keys WHERE account = ? AND device = ? AND distribution_id = ?"));
  return s.bind(account).bind(std::uint64_t{device}).bind(core::to_bytes(distribution_id)).run();
}

Result<void> SqliteDeviceStore::delete_sender_keys(core::BytesView group, std::optional<std::uint64_t> account) {
  if (account) {
    PARLEY_TRY(auto s, db_->statement("DELETE FROM sender_keys WHERE group_id = ? AND account = ?"));
    return s.bind(core::to_bytes(group)).bind(*account).run();
  }
  PARLEY_TRY(auto s, db_->statement("DELETE FROM sender_keys WHERE group_id = ?"));
  return s.bind(core::to_bytes(group)).run();
}

Result<std::vector<KeyHolder>> SqliteDeviceStore::key_holders(core::BytesView group) {
  PARLEY_TRY(auto s, db_->statement("SELECT account, device, incarnation FROM key_holders WHERE group_id = ? ORDER BY account, device, incarnation"));
  const auto key = core::to_bytes(group);
  s.bind(key);
  std::vector<KeyHolder> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    out.push_back({s.u64(0), s.u32(1), s.u64(2)});
  }
}

Result<void> SqliteDeviceStore::add_key_holder(core::BytesView group, const KeyHolder& holder) {
  PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO key_holders VALUES (?, ?, ?, ?)"));
  return s.bind(core::to_bytes(group)).bind(holder.account).bind(std::uint64_t{holder.device}).bind(holder.incarnation).run();
}

Result<void> SqliteDeviceStore::clear_key_holders(core::BytesView group) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM key_holders WHERE group_id = ?"));
  return s.bind(core::to_bytes(group)).run();
}

}  // namespace parley::client
