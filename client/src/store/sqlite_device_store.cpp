// The SQLite device store: its schema, opening the file, and the device's own keys and counters.
#include "sqlite_device_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <algorithm>

#include "parley/client/store/sqlite_device_store.h"

namespace parley::client {

using core::Errc;
using core::Result;

namespace {

constexpr int kSchemaVersion = 5;

// The tables version 3 added (the retry recipients, the receipt marks ahead counted, held
// messages): one text for a new file and for the upgrade of an old one.
constexpr const char* kTablesAddedIn3 = R"sql(
CREATE TABLE sent_copies(
  server_id INTEGER NOT NULL, account INTEGER NOT NULL, device INTEGER NOT NULL, message_id INTEGER NOT NULL,
  PRIMARY KEY (server_id, account, device)) STRICT, WITHOUT ROWID;
CREATE TABLE receipts_ahead(
  chat INTEGER NOT NULL, sender_device INTEGER NOT NULL, message_id INTEGER NOT NULL,
  PRIMARY KEY (chat, sender_device, message_id)) STRICT, WITHOUT ROWID;
CREATE TABLE receipts_ahead_count(chat INTEGER PRIMARY KEY, n INTEGER NOT NULL) STRICT;
CREATE TABLE held_messages(
  server_id INTEGER PRIMARY KEY, sender_account INTEGER NOT NULL, sender_device INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL, ciphertext BLOB NOT NULL) STRICT;
CREATE INDEX held_by_sender ON held_messages(sender_account, sender_device, server_id);
)sql";

// The tables version 5 added (groups, spec §11.3): one text for a new file and the upgrade.
constexpr const char* kTablesAddedIn5 = R"sql(
CREATE TABLE groups(
  chat_index INTEGER PRIMARY KEY, group_id BLOB NOT NULL UNIQUE, log BLOB NOT NULL, own_distribution BLOB NOT NULL) STRICT;
CREATE TABLE sender_keys(
  account INTEGER NOT NULL, device INTEGER NOT NULL, distribution_id BLOB NOT NULL, group_id BLOB NOT NULL, record BLOB NOT NULL,
  PRIMARY KEY (account, device, distribution_id)) STRICT, WITHOUT ROWID;
CREATE INDEX sender_keys_by_group ON sender_keys(group_id, account);
CREATE TABLE key_holders(
  group_id BLOB NOT NULL, account INTEGER NOT NULL, device INTEGER NOT NULL, incarnation INTEGER NOT NULL,
  PRIMARY KEY (group_id, account, device, incarnation)) STRICT, WITHOUT ROWID;
)sql";

// One row of `identity`; the rest mirror the header's concepts.
const std::string kSchema = std::string(R"sql(
CREATE TABLE identity(
  only INTEGER PRIMARY KEY CHECK (only = 1),
  account INTEGER NOT NULL, device INTEGER NOT NULL, incarnation INTEGER NOT NULL,
  registration_id INTEGER NOT NULL,
  identity_private BLOB NOT NULL, noise_private BLOB NOT NULL,
  server_key BLOB NOT NULL, account_key BLOB NOT NULL,
  next_key_index INTEGER NOT NULL) STRICT;
CREATE TABLE signed_prekeys(
  id INTEGER PRIMARY KEY, private_key BLOB NOT NULL, signature BLOB NOT NULL, created_ms INTEGER NOT NULL DEFAULT 0) STRICT;
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
  media BLOB NOT NULL DEFAULT x'',
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
)sql") + kTablesAddedIn3 + kTablesAddedIn5 + "PRAGMA user_version = 5;\n";

// From version 2 (before the retry recipients, the signed prekey's age, the receipt marks ahead
// counted, and held messages): the same tables added; marks ahead are counted from now on.
const std::string kUpgradeFrom2 = std::string(R"sql(
ALTER TABLE signed_prekeys ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
)sql") + kTablesAddedIn3 + "PRAGMA user_version = 3;\n";

// From version 3 (before attachments, spec §12.4): every message kept is a text.
constexpr const char* kUpgradeFrom3 = R"sql(
ALTER TABLE messages ADD COLUMN media BLOB NOT NULL DEFAULT x'';
PRAGMA user_version = 4;
)sql";

// From version 4 (before groups): no group yet.
const std::string kUpgradeFrom4 = std::string(kTablesAddedIn5) + "PRAGMA user_version = 5;\n";

}  // namespace

core::Error corrupt(const std::string& what) { return core::make_error(Errc::storage_failure, "device store: " + what); }

Result<crypto::X25519PublicKey> public_key(core::BytesView bytes) {
  crypto::X25519PublicKey key{};
  if (bytes.size() != key.size()) return corrupt("a stored key of the wrong size");
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

namespace {

Result<crypto::X25519KeyPair> key_pair(core::Bytes private_key) {
  auto pair = crypto::x25519_key_pair_from_private(private_key);
  core::secure_zero(private_key.data(), private_key.size());
  if (!pair.ok()) return corrupt("a stored private key does not load");
  return pair;
}

}  // namespace

Result<std::unique_ptr<DeviceStore>> open_sqlite_device_store(const std::filesystem::path& file) {
  // The file holds the device's private keys (spec §9): it, and the -wal and -shm files SQLite makes
  // beside it, are created readable by their owner only (the umask covers the moment of creation,
  // when a chmod afterwards would leave a window), and an existing file is made so too.
  const mode_t previous = ::umask(077);
  auto db = sqlite::Database::open(file, {}, {kSchema.c_str(), kSchemaVersion, {kUpgradeFrom2.c_str(), kUpgradeFrom3, kUpgradeFrom4.c_str()}, 2});
  ::umask(previous);
  if (!db.ok()) return db.error();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const auto path = file.string() + suffix;
    if (::chmod(path.c_str(), 0600) != 0 && errno != ENOENT)
      return corrupt("cannot make " + path + " private: " + std::strerror(errno));
  }
  // Forward secrecy at rest (spec §9): what is deleted (a used message key, a superseded chain key,
  // a consumed prekey) is overwritten in the file, not left in free pages.
  PARLEY_CHECK((*db)->exec("PRAGMA secure_delete = ON"));
  return std::unique_ptr<DeviceStore>(new SqliteDeviceStore(std::move(*db)));
}

Result<std::optional<LocalIdentity>> SqliteDeviceStore::identity() {
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

Result<void> SqliteDeviceStore::save_identity(const LocalIdentity& id) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO identity VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.bind(id.account).bind(std::uint64_t{id.device}).bind(id.incarnation).bind(std::uint64_t{id.registration_id});
    s.bind(id.identity.private_key.view()).bind(id.noise.private_key.view()).bind(id.server_key).bind(id.account_key);
    s.bind(std::uint64_t{id.next_key_index});
    return s.run();
  });
}

Result<std::vector<StoredSignedPreKey>> SqliteDeviceStore::signed_prekeys() {
  PARLEY_TRY(auto s, db_->statement("SELECT id, private_key, signature, created_ms FROM signed_prekeys ORDER BY created_ms, id"));
  std::vector<StoredSignedPreKey> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    StoredSignedPreKey stored;
    stored.key.id = protocol::SignedPreKeyId{s.u32(0)};
    PARLEY_TRY(stored.key.key, key_pair(s.bytes(1)));
    const auto signature = s.bytes(2);
    if (signature.size() != stored.key.signature.size()) return corrupt("a stored signature of the wrong size");
    std::copy(signature.begin(), signature.end(), stored.key.signature.begin());
    stored.created_ms = s.u64(3);
    out.push_back(std::move(stored));
  }
}

Result<void> SqliteDeviceStore::put_signed_prekey(const StoredSignedPreKey& stored) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO signed_prekeys VALUES (?, ?, ?, ?)"));
    return s.bind(std::uint64_t{stored.key.id.value}).bind(stored.key.key.private_key.view()).bind(stored.key.signature)
        .bind(stored.created_ms).run();
  });
}

Result<void> SqliteDeviceStore::delete_signed_prekey(protocol::SignedPreKeyId id) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM signed_prekeys WHERE id = ?"));
  return s.bind(std::uint64_t{id.value}).run();
}

Result<std::map<std::uint32_t, protocol::OneTimePreKey>> SqliteDeviceStore::one_time_prekeys() {
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

Result<void> SqliteDeviceStore::put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) {
  return db_->transaction([&]() -> Result<void> {
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

Result<void> SqliteDeviceStore::delete_one_time_prekey(protocol::PreKeyId id) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM one_time_prekeys WHERE id = ?"));
  return s.bind(std::uint64_t{id.value}).run();
}

Result<std::uint32_t> SqliteDeviceStore::next_one_time_prekey_id() {
  PARLEY_TRY(auto s, db_->statement("SELECT value FROM counters WHERE name = 'one_time_prekey'"));
  PARLEY_TRY(bool row, s.step());
  if (!row) return corrupt("no prekey counter");
  return s.u32(0);
}

Result<std::uint64_t> SqliteDeviceStore::take_message_id() {
  return db_->transaction([&]() -> Result<std::uint64_t> {
    PARLEY_TRY(auto s, db_->statement("UPDATE counters SET value = value + 1 WHERE name = 'message' RETURNING value - 1"));
    PARLEY_TRY(bool row, s.step());
    if (!row) return corrupt("no message counter");
    return s.u64(0);
  });
}

Result<void> SqliteDeviceStore::start_message_ids(std::uint64_t first) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("UPDATE counters SET value = MAX(value, ?) WHERE name = 'message'"));
    return s.bind(first).run();
  });
}

}  // namespace parley::client
