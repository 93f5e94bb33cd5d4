#include "parley/client/device_store.h"

#include <sys/stat.h>

#include <algorithm>

#include "parley/transport/session_store_codec.h"

namespace parley::client {

using core::Errc;
using core::Result;
using Statement = sqlite::Database::Statement;

namespace {

constexpr int kSchemaVersion = 2;

// One row of `identity`; the rest mirror the header's concepts.
constexpr const char* kSchema = R"sql(
CREATE TABLE identity(
  only INTEGER PRIMARY KEY CHECK (only = 1),
  account INTEGER NOT NULL, device INTEGER NOT NULL, incarnation INTEGER NOT NULL,
  registration_id INTEGER NOT NULL,
  identity_private BLOB NOT NULL, noise_private BLOB NOT NULL,
  server_key BLOB NOT NULL, account_key BLOB NOT NULL,
  next_key_index INTEGER NOT NULL) STRICT;
CREATE TABLE signed_prekeys(
  id INTEGER PRIMARY KEY, private_key BLOB NOT NULL, signature BLOB NOT NULL) STRICT;
CREATE TABLE one_time_prekeys(id INTEGER PRIMARY KEY, private_key BLOB NOT NULL) STRICT;
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
INSERT INTO counters VALUES ('one_time_prekey', 1), ('message', 1);
CREATE TABLE sessions(
  account INTEGER NOT NULL, device INTEGER NOT NULL, incarnation INTEGER NOT NULL,
  identity_key BLOB NOT NULL, record BLOB NOT NULL,
  PRIMARY KEY (account, device)) STRICT, WITHOUT ROWID;
CREATE TABLE device_lists(
  account INTEGER PRIMARY KEY, version INTEGER NOT NULL, account_key BLOB NOT NULL, signed_list BLOB NOT NULL) STRICT;
CREATE TABLE messages(
  chat INTEGER NOT NULL, direction INTEGER NOT NULL,
  sender_account INTEGER NOT NULL, sender_device INTEGER NOT NULL, message_id INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL, body BLOB NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  UNIQUE (sender_account, sender_device, message_id)) STRICT;
CREATE INDEX messages_by_chat ON messages(chat, timestamp_ms);
CREATE TABLE receipts(
  chat INTEGER NOT NULL, member INTEGER NOT NULL, level INTEGER NOT NULL,
  sender_device INTEGER NOT NULL, message_id INTEGER NOT NULL,
  PRIMARY KEY (chat, member, level, sender_device, message_id)) STRICT, WITHOUT ROWID;
CREATE TABLE read_marks(
  chat INTEGER NOT NULL, sender_device INTEGER NOT NULL, up_to INTEGER NOT NULL,
  PRIMARY KEY (chat, sender_device)) STRICT, WITHOUT ROWID;
CREATE TABLE settings(name BLOB PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE pending_receipts(id INTEGER PRIMARY KEY, peer INTEGER NOT NULL, content BLOB NOT NULL) STRICT;
PRAGMA user_version = 2;
)sql";

core::Error corrupt(const std::string& what) { return core::make_error(Errc::storage_failure, "device store: " + what); }

Result<crypto::X25519PublicKey> public_key(core::BytesView bytes) {
  crypto::X25519PublicKey key{};
  if (bytes.size() != key.size()) return corrupt("a stored key of the wrong size");
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

Result<crypto::X25519KeyPair> key_pair(core::Bytes private_key) {
  auto pair = crypto::x25519_key_pair_from_private(private_key);
  core::secure_zero(private_key.data(), private_key.size());
  if (!pair.ok()) return corrupt("a stored private key does not load");
  return pair;
}

template <typename T>
Result<std::optional<T>> first_row(Statement& s, Result<T> (*read)(Statement&)) {
  PARLEY_TRY(bool row, s.step());
  if (!row) return std::optional<T>{};
  PARLEY_TRY(auto value, read(s));
  return std::optional<T>(std::move(value));
}

Result<StoredSession> read_session(Statement& s) {
  StoredSession out{s.u64(0), s.u32(1), s.u64(2), {}, {}};
  PARLEY_TRY(out.identity_key, public_key(s.bytes(3)));
  auto record = transport::session_record_deserialize(s.bytes(4));
  if (!record.ok()) return corrupt("a stored session does not load: " + core::to_string(record.error()));
  out.record = std::move(record).value();
  return out;
}

StoredMessage read_message(const Statement& row) {
  const auto body = row.bytes(6);
  return StoredMessage{row.u64(0), row.u64(1) == 1 ? Direction::outgoing : Direction::incoming, row.u64(2), row.u32(3),
                       row.u64(4), row.u64(5), std::string(body.begin(), body.end())};
}

}  // namespace

Result<std::unique_ptr<DeviceStore>> DeviceStore::open(const std::filesystem::path& file) {
  PARLEY_TRY(auto db, sqlite::Database::open(file, {}, {kSchema, kSchemaVersion}));
  ::chmod(file.c_str(), 0600);  // the file holds the device's private keys
  return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(db)));
}

Result<std::optional<LocalIdentity>> DeviceStore::identity() {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT account, device, incarnation, registration_id, identity_private, noise_private, "
                         "server_key, account_key, next_key_index FROM identity"));
  return first_row<LocalIdentity>(s, [](Statement& row) -> Result<LocalIdentity> {
    LocalIdentity id;
    id.account = row.u64(0);
    id.device = row.u32(1);
    id.incarnation = row.u64(2);
    id.registration_id = row.u32(3);
    PARLEY_TRY(id.identity, key_pair(row.bytes(4)));
    PARLEY_TRY(id.noise, key_pair(row.bytes(5)));
    PARLEY_TRY(id.server_key, public_key(row.bytes(6)));
    PARLEY_TRY(id.account_key, public_key(row.bytes(7)));
    id.next_key_index = row.u32(8);
    return id;
  });
}

Result<void> DeviceStore::save_identity(const LocalIdentity& id) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO identity VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.bind(id.account).bind(std::uint64_t{id.device}).bind(id.incarnation).bind(std::uint64_t{id.registration_id});
    s.bind(id.identity.private_key.view()).bind(id.noise.private_key.view()).bind(id.server_key).bind(id.account_key);
    s.bind(std::uint64_t{id.next_key_index});
    return s.run();
  });
}

Result<std::map<std::uint32_t, protocol::SignedPreKey>> DeviceStore::signed_prekeys() {
  PARLEY_TRY(auto s, db_->statement("SELECT id, private_key, signature FROM signed_prekeys ORDER BY id"));
  std::map<std::uint32_t, protocol::SignedPreKey> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    protocol::SignedPreKey key;
    key.id = protocol::SignedPreKeyId{s.u32(0)};
    PARLEY_TRY(key.key, key_pair(s.bytes(1)));
    const auto signature = s.bytes(2);
    if (signature.size() != key.signature.size()) return corrupt("a stored signature of the wrong size");
    std::copy(signature.begin(), signature.end(), key.signature.begin());
    out.emplace(key.id.value, std::move(key));
  }
}

Result<void> DeviceStore::put_signed_prekey(const protocol::SignedPreKey& key) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO signed_prekeys VALUES (?, ?, ?)"));
    return s.bind(std::uint64_t{key.id.value}).bind(key.key.private_key.view()).bind(key.signature).run();
  });
}

Result<std::map<std::uint32_t, protocol::OneTimePreKey>> DeviceStore::one_time_prekeys() {
  PARLEY_TRY(auto s, db_->statement("SELECT id, private_key FROM one_time_prekeys ORDER BY id"));
  std::map<std::uint32_t, protocol::OneTimePreKey> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    protocol::OneTimePreKey key;
    key.id = protocol::PreKeyId{s.u32(0)};
    PARLEY_TRY(key.key, key_pair(s.bytes(1)));
    out.emplace(key.id.value, std::move(key));
  }
}

Result<void> DeviceStore::put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) {
  return write([&]() -> Result<void> {
    std::uint32_t next = 0;
    for (const auto& key : keys) {
      PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO one_time_prekeys VALUES (?, ?)"));
      PARLEY_CHECK(s.bind(std::uint64_t{key.id.value}).bind(key.key.private_key.view()).run());
      next = std::max(next, key.id.value + 1);
    }
    PARLEY_TRY(auto counter, db_->statement("UPDATE counters SET value = max(value, ?) WHERE name = 'one_time_prekey'"));
    return counter.bind(std::uint64_t{next}).run();
  });
}

Result<void> DeviceStore::delete_one_time_prekey(protocol::PreKeyId id) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM one_time_prekeys WHERE id = ?"));
  return s.bind(std::uint64_t{id.value}).run();
}

Result<std::uint32_t> DeviceStore::next_one_time_prekey_id() {
  PARLEY_TRY(auto s, db_->statement("SELECT value FROM counters WHERE name = 'one_time_prekey'"));
  PARLEY_TRY(bool row, s.step());
  if (!row) return corrupt("no prekey counter");
  return s.u32(0);
}

Result<std::uint64_t> DeviceStore::take_message_id() {
  return write([&]() -> Result<std::uint64_t> {
    PARLEY_TRY(auto s, db_->statement("UPDATE counters SET value = value + 1 WHERE name = 'message' RETURNING value - 1"));
    PARLEY_TRY(bool row, s.step());
    if (!row) return corrupt("no message counter");
    return s.u64(0);
  });
}

Result<void> DeviceStore::start_message_ids(std::uint64_t first) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("UPDATE counters SET value = MAX(value, ?) WHERE name = 'message'"));
    return s.bind(first).run();
  });
}

Result<std::optional<StoredSession>> DeviceStore::session(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT account, device, incarnation, identity_key, record FROM sessions "
                         "WHERE account = ? AND device = ?"));
  s.bind(account).bind(std::uint64_t{device});
  return first_row<StoredSession>(s, read_session);
}

Result<std::vector<StoredSession>> DeviceStore::sessions() {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT account, device, incarnation, identity_key, record FROM sessions ORDER BY account, device"));
  std::vector<StoredSession> out;
  for (;;) {
    PARLEY_TRY(auto next, first_row<StoredSession>(s, read_session));
    if (!next) return out;
    out.push_back(std::move(*next));
  }
}

Result<void> DeviceStore::save_session(const StoredSession& session) {
  return write([&]() -> Result<void> {
    const auto record = transport::session_record_serialize(session.record);
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?)"));
    return s.bind(session.account).bind(std::uint64_t{session.device}).bind(session.incarnation)
        .bind(session.identity_key).bind(record).run();
  });
}

Result<void> DeviceStore::delete_session(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM sessions WHERE account = ? AND device = ?"));
  return s.bind(account).bind(std::uint64_t{device}).run();
}

Result<std::optional<StoredDeviceList>> DeviceStore::device_list(std::uint64_t account) {
  PARLEY_TRY(auto s, db_->statement("SELECT account, version, account_key, signed_list FROM device_lists WHERE account = ?"));
  s.bind(account);
  return first_row<StoredDeviceList>(s, [](Statement& row) -> Result<StoredDeviceList> {
    StoredDeviceList out{row.u64(0), row.u64(1), {}, row.bytes(3)};
    PARLEY_TRY(out.account_key, public_key(row.bytes(2)));
    return out;
  });
}

Result<void> DeviceStore::save_device_list(const StoredDeviceList& list) {
  return write([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO device_lists VALUES (?, ?, ?, ?)"));
    return s.bind(list.account).bind(list.version).bind(list.account_key).bind(list.signed_list).run();
  });
}

Result<bool> DeviceStore::add_message(const StoredMessage& m) {
  return write([&]() -> Result<bool> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, 0)"));
    PARLEY_TRY(const auto changed, s.bind(m.chat).bind(std::uint64_t{static_cast<std::uint8_t>(m.direction)})
                                       .bind(m.sender_account).bind(std::uint64_t{m.sender_device}).bind(m.message_id)
                                       .bind(m.timestamp_ms).bind(core::as_bytes(m.body)).run_counting());
    return changed == 1;
  });
}

Result<std::optional<StoredMessage>> DeviceStore::message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                          std::uint64_t message_id) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body "
                         "FROM messages WHERE sender_account = ? AND sender_device = ? AND message_id = ?"));
  s.bind(sender_account).bind(std::uint64_t{sender_device}).bind(message_id);
  PARLEY_TRY(auto rows, s.rows<StoredMessage>(read_message));
  if (rows.empty()) return std::optional<StoredMessage>{};
  return std::optional<StoredMessage>(std::move(rows.front()));
}

Result<std::vector<StoredMessage>> DeviceStore::messages(std::uint64_t chat) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body "
                         "FROM messages WHERE chat = ? ORDER BY timestamp_ms, rowid"));
  s.bind(chat);
  return s.rows<StoredMessage>(read_message);
}

Result<std::vector<StoredMessage>> DeviceStore::unsent(std::uint64_t own_account, std::uint32_t own_device) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body "
                         "FROM messages WHERE direction = 1 AND sent = 0 AND sender_account = ? AND sender_device = ? "
                         "ORDER BY message_id"));
  s.bind(own_account).bind(std::uint64_t{own_device});
  return s.rows<StoredMessage>(read_message);
}

Result<std::vector<ChatSummary>> DeviceStore::chats() {
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
                              "SELECT chat, direction, sender_account, sender_device, message_id, timestamp_ms, body "
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

}  // namespace parley::client
