// The SQLite engine (spec §7.1): WAL with synchronous=FULL, prepared statements cached per
// connection, write transactions that take the write lock at BEGIN, and every SQLite error turned
// into storage_failure.
#include <limits>
#include <string>

#include "parley/server/store/store.h"
#include "sqlite_backend_internal.h"
#include "store_internal.h"

namespace parley::server {

namespace {

// user_version of a database this build created; another value is refused.
constexpr int kSchemaVersion = 4;

// Who may read a blob (version 3, spec §7.1): one text for a new file and for the upgrade of an old one.
constexpr const char* kBlobAccessTables = R"sql(
CREATE INDEX blobs_by_uploader ON blobs(uploader_account);
CREATE TABLE blob_grants(
  hash BLOB NOT NULL,
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  incarnation INTEGER NOT NULL,
  fetched INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hash, account_id, device_id, incarnation)) STRICT, WITHOUT ROWID;
)sql";

// Groups' membership logs (version 4, spec §11.2): one text for a new file and for the upgrade.
constexpr const char* kGroupLogTable = R"sql(
CREATE TABLE group_entries(
  group_id BLOB NOT NULL,
  version INTEGER NOT NULL,
  entry BLOB NOT NULL,
  PRIMARY KEY (group_id, version)) STRICT;
)sql";

// Tables mirror the spec's concepts. Queue usage per device is kept in `devices` by triggers, so
// the cap check of a send costs one row read, not a count over the mailbox. Tables with small
// rows are WITHOUT ROWID (the key is the row); messages and blob pieces, which hold up to 96 KiB
// and 256 KiB, keep a rowid so that their key index stays small.
const std::string kSchema = std::string(R"sql(
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;
INSERT INTO counters VALUES ('account', 0), ('incarnation', 0);
CREATE TABLE accounts(
  account_id INTEGER PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  device_list_version INTEGER,
  device_list BLOB) STRICT;
CREATE TABLE devices(
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  incarnation INTEGER NOT NULL,
  identity_key BLOB NOT NULL,
  noise_key BLOB NOT NULL UNIQUE,
  registration_id INTEGER NOT NULL,
  linked_ms INTEGER NOT NULL,
  listed INTEGER NOT NULL DEFAULT 1,
  queued_messages INTEGER NOT NULL DEFAULT 0,
  queued_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, device_id)) STRICT, WITHOUT ROWID;
CREATE TABLE signed_prekeys(
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id)) STRICT, WITHOUT ROWID;
CREATE TABLE one_time_prekeys(
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  PRIMARY KEY (account_id, device_id, key_id)) STRICT, WITHOUT ROWID;
CREATE TABLE sends(
  server_id INTEGER PRIMARY KEY AUTOINCREMENT,
  sender_account INTEGER NOT NULL,
  sender_device INTEGER NOT NULL,
  client_message_id INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  UNIQUE (sender_account, sender_device, client_message_id)) STRICT;
CREATE INDEX sends_by_time ON sends(timestamp_ms);
CREATE TABLE messages(
  account_id INTEGER NOT NULL,
  device_id INTEGER NOT NULL,
  incarnation INTEGER NOT NULL,
  server_id INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  sender_account INTEGER NOT NULL,
  sender_device INTEGER NOT NULL,
  ciphertext BLOB NOT NULL,
  UNIQUE (account_id, device_id, incarnation, server_id)) STRICT;
CREATE INDEX messages_by_time ON messages(timestamp_ms);
CREATE TRIGGER messages_queued AFTER INSERT ON messages BEGIN
  UPDATE devices SET queued_messages = queued_messages + 1, queued_bytes = queued_bytes + length(NEW.ciphertext)
   WHERE account_id = NEW.account_id AND device_id = NEW.device_id AND incarnation = NEW.incarnation;
END;
CREATE TRIGGER messages_dequeued AFTER DELETE ON messages BEGIN
  UPDATE devices SET queued_messages = queued_messages - 1, queued_bytes = queued_bytes - length(OLD.ciphertext)
   WHERE account_id = OLD.account_id AND device_id = OLD.device_id AND incarnation = OLD.incarnation;
END;
CREATE TABLE blobs(
  hash BLOB PRIMARY KEY,
  total_size INTEGER NOT NULL,
  received INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  uploader_account INTEGER NOT NULL DEFAULT 0,
  uploader_device INTEGER NOT NULL DEFAULT 0,
  uploader_incarnation INTEGER NOT NULL DEFAULT 0) STRICT, WITHOUT ROWID;
CREATE TABLE blob_pieces(
  hash BLOB NOT NULL,
  piece_offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (hash, piece_offset)) STRICT;
)sql") + kBlobAccessTables + kGroupLogTable + "PRAGMA user_version = 4;\n";

// Version 1 had no `listed`: its devices were all taken as listed, as they stay.
constexpr const char* kUpgradeFrom1 = R"sql(
ALTER TABLE devices ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;
PRAGMA user_version = 2;
)sql";

// Version 2 had no uploaders and no grants: its blobs keep uploader 0, which no device is, so
// nobody may read or name them and they expire as before (spec §7.1).
const std::string kUpgradeFrom2 = std::string(R"sql(
ALTER TABLE blobs ADD COLUMN uploader_account INTEGER NOT NULL DEFAULT 0;
ALTER TABLE blobs ADD COLUMN uploader_device INTEGER NOT NULL DEFAULT 0;
ALTER TABLE blobs ADD COLUMN uploader_incarnation INTEGER NOT NULL DEFAULT 0;
)sql") + kBlobAccessTables + "PRAGMA user_version = 3;\n";

// Version 3 had no groups.
const std::string kUpgradeFrom3 = std::string(kGroupLogTable) + "PRAGMA user_version = 4;\n";

}  // namespace

Result<std::unique_ptr<SqliteBackend>> SqliteBackend::open(const std::filesystem::path& file,
                                                           const SqliteOptions& options) {
  PARLEY_TRY(auto db, sqlite::Database::open(file, options, {kSchema.c_str(), kSchemaVersion, {kUpgradeFrom1, kUpgradeFrom2.c_str(), kUpgradeFrom3.c_str()}, 1}));
  return std::unique_ptr<SqliteBackend>(new SqliteBackend(std::move(db)));
}

SqliteBackend::~SqliteBackend() = default;

Result<SqliteBackend::Statement> SqliteBackend::statement(const char* sql) { return db_->statement(sql); }

Result<void> SqliteBackend::begin(Access access) { return db_->begin(access == Access::write); }

Result<void> SqliteBackend::commit() { return db_->commit(); }

void SqliteBackend::rollback() noexcept { db_->rollback(); }

// --- Device registry ---------------------------------------------------------------------------

namespace {

constexpr const char* kDeviceColumns =
    "account_id, device_id, incarnation, identity_key, noise_key, registration_id, linked_ms, listed";

DeviceRecord read_device(const SqliteBackend::Statement& s) {
  return DeviceRecord{AccountId{s.u64(0)}, DeviceId{s.u32(1)}, Incarnation{s.u64(2)},
                      DeviceKeys{s.bytes(3), s.bytes(4), s.u32(5)}, s.u64(6), s.u64(7) != 0};
}

}  // namespace

Result<AccountId> SqliteBackend::insert_account(TimestampMs now) {
  PARLEY_TRY(auto next,
             statement("UPDATE counters SET value = value + 1 WHERE name = 'account' RETURNING value"));
  PARLEY_TRY(bool row, next.step());
  if (!row) return storage_failure("no account counter");
  const AccountId id{next.u64(0)};
  PARLEY_TRY(auto insert, statement("INSERT INTO accounts(account_id, created_ms) VALUES (?, ?)"));
  PARLEY_CHECK(insert.bind(id.value).bind(now).run());
  return id;
}

Result<bool> SqliteBackend::account_exists(AccountId account) {
  PARLEY_TRY(auto s, statement("SELECT 1 FROM accounts WHERE account_id = ?"));
  return s.bind(account.value).step();
}

Result<Incarnation> SqliteBackend::allocate_incarnation() {
  PARLEY_TRY(auto s,
             statement("UPDATE counters SET value = value + 1 WHERE name = 'incarnation' RETURNING value"));
  PARLEY_TRY(bool row, s.step());
  if (!row) return storage_failure("no incarnation counter");
  return Incarnation{s.u64(0)};
}

Result<void> SqliteBackend::insert_device(const DeviceRecord& d) {
  PARLEY_TRY(auto s,
             statement("INSERT INTO devices(account_id, device_id, incarnation, identity_key, noise_key, "
                       "registration_id, linked_ms, listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  return s.bind(d.account.value)
      .bind(d.device.value)
      .bind(d.incarnation.value)
      .bind(d.keys.identity_key)
      .bind(d.keys.noise_static_key)
      .bind(d.keys.registration_id)
      .bind(d.linked_at_ms)
      .bind(std::uint64_t{d.listed ? 1u : 0u})
      .run();
}

Result<void> SqliteBackend::delete_device(AccountId account, DeviceId device) {
  for (const char* sql : {"DELETE FROM messages WHERE account_id = ? AND device_id = ?",
                          "DELETE FROM one_time_prekeys WHERE account_id = ? AND device_id = ?",
                          "DELETE FROM signed_prekeys WHERE account_id = ? AND device_id = ?",
                          "DELETE FROM sends WHERE sender_account = ? AND sender_device = ?",
                          "DELETE FROM devices WHERE account_id = ? AND device_id = ?"}) {
    PARLEY_TRY(auto s, statement(sql));
    PARLEY_CHECK(s.bind(account.value).bind(device.value).run());
  }
  return {};
}

Result<std::vector<DeviceRecord>> SqliteBackend::devices(AccountId account) {
  static const std::string sql =
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE account_id = ? ORDER BY device_id";
  PARLEY_TRY(auto s, statement(sql.c_str()));
  return s.bind(account.value).rows<DeviceRecord>(read_device);
}

Result<std::optional<DeviceRecord>> SqliteBackend::device(AccountId account, DeviceId device) {
  static const std::string sql =
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE account_id = ? AND device_id = ?";
  PARLEY_TRY(auto s, statement(sql.c_str()));
  PARLEY_TRY(bool row, s.bind(account.value).bind(device.value).step());
  if (!row) return std::optional<DeviceRecord>{};
  return std::optional(read_device(s));
}

Result<std::optional<DeviceRecord>> SqliteBackend::device_by_noise_key(core::BytesView noise_static_key) {
  static const std::string sql =
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE noise_key = ?";
  PARLEY_TRY(auto s, statement(sql.c_str()));
  PARLEY_TRY(bool row, s.bind(noise_static_key).step());
  if (!row) return std::optional<DeviceRecord>{};
  return std::optional(read_device(s));
}

Result<std::optional<SignedDeviceList>> SqliteBackend::device_list(AccountId account) {
  PARLEY_TRY(auto s, statement("SELECT device_list_version, device_list FROM accounts WHERE account_id = ?"));
  PARLEY_TRY(bool row, s.bind(account.value).step());
  if (!row || s.is_null(0)) return std::optional<SignedDeviceList>{};
  return std::optional(SignedDeviceList{s.u64(0), s.bytes(1)});
}

Result<void> SqliteBackend::put_device_list(AccountId account, const SignedDeviceList& list) {
  PARLEY_TRY(auto s,
             statement("UPDATE accounts SET device_list_version = ?, device_list = ? WHERE account_id = ?"));
  PARLEY_CHECK(s.bind(list.version).bind(list.signed_list).bind(account.value).run());
  if (!list.devices) return {};
  PARLEY_TRY(auto none, statement("UPDATE devices SET listed = 0 WHERE account_id = ?"));
  PARLEY_CHECK(none.bind(account.value).run());
  for (const auto device : *list.devices) {
    PARLEY_TRY(auto one, statement("UPDATE devices SET listed = 1 WHERE account_id = ? AND device_id = ?"));
    PARLEY_CHECK(one.bind(account.value).bind(device.value).run());
  }
  return {};
}

// --- Key directory -----------------------------------------------------------------------------

Result<std::optional<SignedPreKey>> SqliteBackend::signed_prekey(AccountId account, DeviceId device) {
  PARLEY_TRY(auto s, statement("SELECT key_id, public_key, signature FROM signed_prekeys "
                               "WHERE account_id = ? AND device_id = ?"));
  PARLEY_TRY(bool row, s.bind(account.value).bind(device.value).step());
  if (!row) return std::optional<SignedPreKey>{};
  return std::optional(SignedPreKey{PreKeyId{s.u32(0)}, s.bytes(1), s.bytes(2)});
}

Result<void> SqliteBackend::put_signed_prekey(AccountId account, DeviceId device, const SignedPreKey& key) {
  PARLEY_TRY(auto s,
             statement("INSERT OR REPLACE INTO signed_prekeys(account_id, device_id, key_id, public_key, "
                       "signature) VALUES (?, ?, ?, ?, ?)"));
  return s.bind(account.value)
      .bind(device.value)
      .bind(key.id.value)
      .bind(key.public_key)
      .bind(key.signature)
      .run();
}

Result<bool> SqliteBackend::has_one_time_prekey(AccountId account, DeviceId device, PreKeyId id) {
  PARLEY_TRY(
      auto s,
      statement("SELECT 1 FROM one_time_prekeys WHERE account_id = ? AND device_id = ? AND key_id = ?"));
  return s.bind(account.value).bind(device.value).bind(id.value).step();
}

Result<void> SqliteBackend::put_one_time_prekey(AccountId account, DeviceId device,
                                                const OneTimePreKey& key) {
  PARLEY_TRY(auto s,
             statement("INSERT OR REPLACE INTO one_time_prekeys(account_id, device_id, key_id, public_key) "
                       "VALUES (?, ?, ?, ?)"));
  return s.bind(account.value).bind(device.value).bind(key.id.value).bind(key.public_key).run();
}

Result<std::optional<OneTimePreKey>> SqliteBackend::take_one_time_prekey(AccountId account, DeviceId device) {
  PARLEY_TRY(auto s,
             statement("DELETE FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2 AND key_id = "
                       "(SELECT min(key_id) FROM one_time_prekeys WHERE account_id = ?1 AND device_id = ?2) "
                       "RETURNING key_id, public_key"));
  PARLEY_TRY(bool row, s.bind(account.value).bind(device.value).step());
  if (!row) return std::optional<OneTimePreKey>{};
  OneTimePreKey key{PreKeyId{s.u32(0)}, s.bytes(1)};
  // RETURNING rows come out before the statement finishes its work: step it to the end.
  PARLEY_TRY(bool more, s.step());
  if (more) return storage_failure("took two one-time prekeys");
  return std::optional(std::move(key));
}

Result<std::size_t> SqliteBackend::one_time_prekey_count(AccountId account, DeviceId device) {
  PARLEY_TRY(auto s,
             statement("SELECT count(*) FROM one_time_prekeys WHERE account_id = ? AND device_id = ?"));
  PARLEY_TRY(bool row, s.bind(account.value).bind(device.value).step());
  return row ? static_cast<std::size_t>(s.u64(0)) : 0;
}

// --- Mailboxes ---------------------------------------------------------------------------------

Result<std::optional<SendReceipt>> SqliteBackend::find_send(const SendKey& key) {
  PARLEY_TRY(auto s, statement("SELECT server_id, timestamp_ms FROM sends "
                               "WHERE sender_account = ? AND sender_device = ? AND client_message_id = ?"));
  PARLEY_TRY(bool row, s.bind(key.sender_account.value)
                           .bind(key.sender_device.value)
                           .bind(key.client_message_id.value)
                           .step());
  if (!row) return std::optional<SendReceipt>{};
  return std::optional(SendReceipt{ServerId{s.u64(0)}, s.u64(1), false});
}

Result<ServerId> SqliteBackend::insert_send(const SendKey& key, TimestampMs timestamp_ms) {
  PARLEY_TRY(auto s,
             statement("INSERT INTO sends(sender_account, sender_device, client_message_id, timestamp_ms) "
                       "VALUES (?, ?, ?, ?) RETURNING server_id"));
  PARLEY_TRY(bool row, s.bind(key.sender_account.value)
                           .bind(key.sender_device.value)
                           .bind(key.client_message_id.value)
                           .bind(timestamp_ms)
                           .step());
  if (!row) return storage_failure("no server id returned");
  const ServerId id{s.u64(0)};
  PARLEY_TRY(bool more, s.step());
  (void)more;
  return id;
}

Result<QueueUsage> SqliteBackend::queue_usage(const MailboxAddress& m) {
  PARLEY_TRY(auto s, statement("SELECT queued_messages, queued_bytes FROM devices "
                               "WHERE account_id = ? AND device_id = ? AND incarnation = ?"));
  PARLEY_TRY(bool row, s.bind(m.account.value).bind(m.device.value).bind(m.incarnation.value).step());
  if (!row) return QueueUsage{};
  return QueueUsage{static_cast<std::size_t>(s.u64(0)), static_cast<std::size_t>(s.u64(1))};
}

Result<void> SqliteBackend::enqueue(const MailboxAddress& m, ServerId id, TimestampMs timestamp_ms,
                                    const SendKey& sender, core::BytesView ciphertext) {
  PARLEY_TRY(auto s,
             statement("INSERT INTO messages(account_id, device_id, incarnation, server_id, timestamp_ms, "
                       "sender_account, sender_device, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  return s.bind(m.account.value)
      .bind(m.device.value)
      .bind(m.incarnation.value)
      .bind(id.value)
      .bind(timestamp_ms)
      .bind(sender.sender_account.value)
      .bind(sender.sender_device.value)
      .bind(ciphertext)
      .run();
}

Result<std::vector<QueuedMessage>> SqliteBackend::fetch(const MailboxAddress& m, ServerId after,
                                                        std::size_t limit) {
  PARLEY_TRY(
      auto s,
      statement("SELECT server_id, timestamp_ms, sender_account, sender_device, ciphertext FROM messages "
                "WHERE account_id = ? AND device_id = ? AND incarnation = ? AND server_id > ? "
                "ORDER BY server_id LIMIT ?"));
  s.bind(m.account.value).bind(m.device.value).bind(m.incarnation.value).bind(after.value).bind(limit);
  return s.rows<QueuedMessage>([](const Statement& r) {
    return QueuedMessage{ServerId{r.u64(0)}, r.u64(1), AccountId{r.u64(2)}, DeviceId{r.u32(3)}, r.bytes(4)};
  });
}

Result<bool> SqliteBackend::delete_message(const MailboxAddress& m, ServerId id) {
  PARLEY_TRY(auto s,
             statement("DELETE FROM messages "
                       "WHERE account_id = ? AND device_id = ? AND incarnation = ? AND server_id = ?"));
  PARLEY_TRY(
      std::size_t n,
      s.bind(m.account.value).bind(m.device.value).bind(m.incarnation.value).bind(id.value).run_counting());
  return n > 0;
}

Result<std::size_t> SqliteBackend::expire_messages(TimestampMs cutoff) {
  PARLEY_TRY(auto sends, statement("DELETE FROM sends WHERE timestamp_ms < ?"));
  PARLEY_CHECK(sends.bind(cutoff).run());
  PARLEY_TRY(auto messages, statement("DELETE FROM messages WHERE timestamp_ms < ?"));
  return messages.bind(cutoff).run_counting();
}

// --- Blob store --------------------------------------------------------------------------------

Result<std::optional<BlobState>> SqliteBackend::blob(const BlobHash& hash) {
  PARLEY_TRY(auto s,
             statement("SELECT total_size, received, complete, created_ms, uploader_account, uploader_device, "
                       "uploader_incarnation FROM blobs WHERE hash = ?"));
  PARLEY_TRY(bool row, s.bind(hash).step());
  if (!row) return std::optional<BlobState>{};
  return std::optional(BlobState{s.u64(0), s.u64(1), s.u64(2) != 0, s.u64(3),
                                 MailboxAddress{AccountId{s.u64(4)}, DeviceId{s.u32(5)}, Incarnation{s.u64(6)}}});
}

Result<void> SqliteBackend::put_blob(const BlobHash& hash, const BlobState& state) {
  PARLEY_TRY(auto s,
             statement("INSERT OR REPLACE INTO blobs(hash, total_size, received, complete, created_ms, "
                       "uploader_account, uploader_device, uploader_incarnation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  return s.bind(hash)
      .bind(state.total_size)
      .bind(state.received)
      .bind(state.complete ? 1 : 0)
      .bind(state.created_ms)
      .bind(state.uploader.account.value)
      .bind(state.uploader.device.value)
      .bind(state.uploader.incarnation.value)
      .run();
}

Result<void> SqliteBackend::insert_blob_piece(const BlobHash& hash, std::uint64_t offset,
                                              core::BytesView data) {
  PARLEY_TRY(auto s, statement("INSERT INTO blob_pieces(hash, piece_offset, data) VALUES (?, ?, ?)"));
  return s.bind(hash).bind(offset).bind(data).run();
}

Result<std::vector<BlobPiece>> SqliteBackend::blob_pieces(const BlobHash& hash, std::uint64_t min_offset,
                                                          std::uint64_t end) {
  PARLEY_TRY(auto s,
             statement("SELECT piece_offset, data FROM blob_pieces "
                       "WHERE hash = ? AND piece_offset >= ? AND piece_offset < ? ORDER BY piece_offset"));
  return s.bind(hash).bind(min_offset).bind(end).rows<BlobPiece>([](const Statement& r) {
    return BlobPiece{r.u64(0), r.bytes(1)};
  });
}

Result<void> SqliteBackend::delete_blob(const BlobHash& hash) {
  for (const char* sql : {"DELETE FROM blob_pieces WHERE hash = ?", "DELETE FROM blob_grants WHERE hash = ?",
                          "DELETE FROM blobs WHERE hash = ?"}) {
    PARLEY_TRY(auto s, statement(sql));
    PARLEY_CHECK(s.bind(hash).run());
  }
  return {};
}

Result<std::size_t> SqliteBackend::expire_blobs(TimestampMs complete_cutoff, TimestampMs incomplete_cutoff) {
  PARLEY_TRY(auto pieces, statement("DELETE FROM blob_pieces WHERE hash IN (SELECT hash FROM blobs WHERE "
                                    "CASE complete WHEN 1 THEN created_ms < ?1 ELSE created_ms < ?2 END)"));
  PARLEY_CHECK(pieces.bind(complete_cutoff).bind(incomplete_cutoff).run());
  PARLEY_TRY(auto grants, statement("DELETE FROM blob_grants WHERE hash IN (SELECT hash FROM blobs WHERE "
                                    "CASE complete WHEN 1 THEN created_ms < ?1 ELSE created_ms < ?2 END)"));
  PARLEY_CHECK(grants.bind(complete_cutoff).bind(incomplete_cutoff).run());
  PARLEY_TRY(auto blobs, statement("DELETE FROM blobs WHERE "
                                   "CASE complete WHEN 1 THEN created_ms < ?1 ELSE created_ms < ?2 END"));
  return blobs.bind(complete_cutoff).bind(incomplete_cutoff).run_counting();
}

Result<std::uint64_t> SqliteBackend::account_blob_bytes(AccountId account) {
  PARLEY_TRY(auto s, statement("SELECT coalesce(sum(total_size), 0) FROM blobs WHERE uploader_account = ?"));
  PARLEY_TRY(bool row, s.bind(account.value).step());
  return row ? s.u64(0) : 0;
}

Result<void> SqliteBackend::grant_blob(const BlobHash& hash, const MailboxAddress& device) {
  PARLEY_TRY(auto s, statement("INSERT OR IGNORE INTO blob_grants(hash, account_id, device_id, incarnation) "
                               "VALUES (?, ?, ?, ?)"));
  return s.bind(hash).bind(device.account.value).bind(device.device.value).bind(device.incarnation.value).run();
}

Result<std::optional<bool>> SqliteBackend::blob_grant(const BlobHash& hash, const MailboxAddress& device) {
  PARLEY_TRY(auto s, statement("SELECT fetched FROM blob_grants WHERE hash = ? AND account_id = ? AND "
                               "device_id = ? AND incarnation = ?"));
  PARLEY_TRY(bool row,
             s.bind(hash).bind(device.account.value).bind(device.device.value).bind(device.incarnation.value).step());
  if (!row) return std::optional<bool>{};
  return std::optional(s.u64(0) != 0);
}

Result<void> SqliteBackend::set_blob_fetched(const BlobHash& hash, const MailboxAddress& device) {
  PARLEY_TRY(auto s, statement("UPDATE blob_grants SET fetched = 1 WHERE hash = ? AND account_id = ? AND "
                               "device_id = ? AND incarnation = ?"));
  return s.bind(hash).bind(device.account.value).bind(device.device.value).bind(device.incarnation.value).run();
}

Result<std::size_t> SqliteBackend::unfetched_blob_grants(const BlobHash& hash) {
  PARLEY_TRY(auto s, statement("SELECT count(*) FROM blob_grants WHERE hash = ? AND fetched = 0"));
  PARLEY_TRY(bool row, s.bind(hash).step());
  return row ? static_cast<std::size_t>(s.u64(0)) : 0;
}

// --- Group membership logs ---------------------------------------------------------------------

Result<std::uint64_t> SqliteBackend::group_log_length(core::BytesView group) {
  PARLEY_TRY(auto s, statement("SELECT max(version) FROM group_entries WHERE group_id = ?"));
  PARLEY_TRY(bool row, s.bind(group).step());
  return row ? s.u64(0) : 0;
}

Result<std::optional<core::Bytes>> SqliteBackend::group_entry(core::BytesView group, std::uint64_t version) {
  PARLEY_TRY(auto s, statement("SELECT entry FROM group_entries WHERE group_id = ? AND version = ?"));
  PARLEY_TRY(bool row, s.bind(group).bind(version).step());
  if (!row) return std::optional<core::Bytes>{};
  return std::optional(s.bytes(0));
}

Result<void> SqliteBackend::insert_group_entry(core::BytesView group, std::uint64_t version, core::BytesView entry) {
  PARLEY_TRY(auto s, statement("INSERT INTO group_entries(group_id, version, entry) VALUES (?, ?, ?)"));
  return s.bind(group).bind(version).bind(entry).run();
}

Result<std::vector<core::Bytes>> SqliteBackend::group_entries(core::BytesView group, std::uint64_t from,
                                                              std::size_t limit) {
  PARLEY_TRY(auto s, statement("SELECT entry FROM group_entries WHERE group_id = ? AND version >= ? "
                               "ORDER BY version LIMIT ?"));
  s.bind(group).bind(from).bind(static_cast<std::uint64_t>(limit));
  std::vector<core::Bytes> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) break;
    out.push_back(s.bytes(0));
  }
  return out;
}

// --- Opening -----------------------------------------------------------------------------------

Result<std::unique_ptr<StorageBackend>> open_sqlite_backend(const std::filesystem::path& file,
                                                            const SqliteOptions& options) {
  PARLEY_TRY(auto backend, SqliteBackend::open(file, options));
  return std::unique_ptr<StorageBackend>(std::move(backend));
}

Result<Store> open_sqlite_store(const std::filesystem::path& file, StoreSettings settings, Clock clock,
                                const SqliteOptions& options) {
  PARLEY_TRY(auto backend, open_sqlite_backend(file, options));
  return Store(std::move(backend), settings, std::move(clock));
}

}  // namespace parley::server
