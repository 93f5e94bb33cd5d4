// The SQLite device store's sessions (spec §5.8's records, one per remote device) and verified
// device lists.
#include "parley/wire/session_record_codec.h"
#include "sqlite_device_store.h"

namespace parley::client {

using core::Result;

namespace {

Result<StoredSession> read_session(Statement& s) {
  StoredSession out{s.u64(0), s.u32(1), s.u64(2), {}, {}};
  PARLEY_TRY(out.identity_key, public_key(s.bytes(3)));
  auto record = wire::session_record_deserialize(s.bytes(4));
  if (!record.ok()) return corrupt("a stored session does not load: " + core::to_string(record.error()));
  out.record = std::move(record).value();
  return out;
}

}  // namespace

Result<std::optional<StoredSession>> SqliteDeviceStore::session(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement(
                         "SELECT account, device, incarnation, identity_key, record FROM sessions "
                         "WHERE account = ? AND device = ?"));
  s.bind(account).bind(std::uint64_t{device});
  return first_row<StoredSession>(s, read_session);
}

Result<std::vector<SessionSummary>> SqliteDeviceStore::session_summaries() {
  PARLEY_TRY(auto s, db_->statement("SELECT account, device, incarnation, identity_key FROM sessions ORDER BY account, device"));
  std::vector<SessionSummary> out;
  for (;;) {
    PARLEY_TRY(bool row, s.step());
    if (!row) return out;
    SessionSummary summary{s.u64(0), s.u32(1), s.u64(2), {}};
    PARLEY_TRY(summary.identity_key, public_key(s.bytes(3)));
    out.push_back(summary);
  }
}

Result<void> SqliteDeviceStore::save_session(const StoredSession& session) {
  return db_->transaction([&]() -> Result<void> {
    const auto record = wire::session_record_serialize(session.record);
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?)"));
    return s.bind(session.account).bind(std::uint64_t{session.device}).bind(session.incarnation)
        .bind(session.identity_key).bind(record).run();
  });
}

Result<void> SqliteDeviceStore::set_session_incarnation(std::uint64_t account, std::uint32_t device, std::uint64_t incarnation) {
  PARLEY_TRY(auto s, db_->statement("UPDATE sessions SET incarnation = ? WHERE account = ? AND device = ?"));
  return s.bind(incarnation).bind(account).bind(std::uint64_t{device}).run();
}

Result<void> SqliteDeviceStore::delete_session(std::uint64_t account, std::uint32_t device) {
  PARLEY_TRY(auto s, db_->statement("DELETE FROM sessions WHERE account = ? AND device = ?"));
  return s.bind(account).bind(std::uint64_t{device}).run();
}

Result<std::optional<StoredDeviceList>> SqliteDeviceStore::device_list(std::uint64_t account) {
  PARLEY_TRY(auto s, db_->statement("SELECT account, version, account_key, signed_list FROM device_lists WHERE account = ?"));
  s.bind(account);
  return first_row<StoredDeviceList>(s, [](Statement& row) -> Result<StoredDeviceList> {
    StoredDeviceList out{row.u64(0), row.u64(1), {}, row.bytes(3)};
    PARLEY_TRY(out.account_key, public_key(row.bytes(2)));
    return out;
  });
}

Result<void> SqliteDeviceStore::save_device_list(const StoredDeviceList& list) {
  return db_->transaction([&]() -> Result<void> {
    PARLEY_TRY(auto s, db_->statement("INSERT OR REPLACE INTO device_lists VALUES (?, ?, ?, ?)"));
    return s.bind(list.account).bind(list.version).bind(list.account_key).bind(list.signed_list).run();
  });
}

}  // namespace parley::client
