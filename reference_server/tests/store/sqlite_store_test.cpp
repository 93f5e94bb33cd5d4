// The SQLite engine's own promises (spec §7.1): WAL with synchronous=FULL; a failed write (full
// disk, failed commit, a lock held too long) is storage_failure, commits nothing and reports no
// send as committed, and writes succeed again once the cause is gone; a database it cannot use is
// refused. And a differential property: on any sequence of operations the memory engine answers
// exactly as SQLite does.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <fstream>

#include "parley/crypto/hash.h"
#include "sqlite_backend_internal.h"
#include "store_fixture.h"

namespace parley::server {
namespace {

using core::Errc;
using namespace parley::server::testing;

std::int64_t pragma(sqlite3* db, const std::string& name) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("PRAGMA " + name).c_str(), -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::int64_t v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return v;
}

void exec(sqlite3* db, const std::string& sql) {
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
}

// A Store whose connection the test can reach.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open(const SqliteOptions& options = {}) {
    store_.reset();
    auto backend = SqliteBackend::open(dir_.path() / "store.db", options);
    ASSERT_TRUE(backend.ok()) << core::to_string(backend.error());
    db_ = backend.value()->handle();
    store_.emplace(std::move(backend).value(), settings_, clock_.clock());
  }
  Store& store() { return *store_; }

  TempDir dir_;
  FakeClock clock_;
  StoreSettings settings_;
  sqlite3* db_ = nullptr;
  std::optional<Store> store_;
};

TEST_F(SqliteStoreTest, UsesWalWithFullSync) {
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  EXPECT_EQ(pragma(db_, "synchronous"), 2);  // FULL
}

TEST_F(SqliteStoreTest, AFullDiskFailsWritesWithoutCommittingAndTheyWorkAgainAfterwards) {
  const auto a = store().create_account(device_keys(1)).value();
  const auto b = store().create_account(device_keys(2)).value();
  const auto earlier = store().commit_send(send_to(a, {b}, 1)).receipt();
  const core::Bytes blob = pattern(200'000, 1);
  const auto blob_hash = crypto::sha256(blob);
  const core::Bytes hash(blob_hash.begin(), blob_hash.end());

  // The disk is full: the database may not grow by a page.
  exec(db_, "PRAGMA max_page_count = " + std::to_string(pragma(db_, "page_count")));
  const std::vector<Send> batch{send_to(a, {b}, 2, 50'000), send_to(a, {b}, 1)};
  const auto outcomes = store().commit_sends(batch);
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes)
    EXPECT_EQ(o.code(), Errc::storage_failure);  // the repeat too: nothing is committed
  EXPECT_NE(outcomes[0].error().detail.find("database or disk is full"), std::string::npos)
      << outcomes[0].error().detail;
  EXPECT_EQ(store().put_blob_chunk({hash, 0, blob.size(), blob}, kUploader).code(), Errc::storage_failure);
  EXPECT_EQ(store().blob_state(hash, kUploader).code(), Errc::not_found);
  // Reads still work, and nothing of the failed writes is there.
  const auto queued = store().fetch(mailbox(b), ServerId{0}, 10).value();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].server_id, earlier.server_id);

  // Space is back: the same writes succeed.
  exec(db_, "PRAGMA max_page_count = 1073741823");
  const auto retried = store().commit_sends(batch);
  ASSERT_TRUE(retried[0].ok()) << core::to_string(retried[0].error());
  EXPECT_GT(retried[0].receipt().server_id, earlier.server_id);
  EXPECT_EQ(retried[1].receipt(), (SendReceipt{earlier.server_id, earlier.timestamp_ms, true}));
  EXPECT_TRUE(store().put_blob_chunk({hash, 0, blob.size(), blob}, kUploader).value().complete);
  EXPECT_EQ(store().fetch(mailbox(b), ServerId{0}, 10).value().size(), 2u);
}

TEST_F(SqliteStoreTest, AFailedCommitIsAStorageFailureForEveryWrite) {
  const auto a = store().create_account(device_keys(1)).value();
  const auto b = store().create_account(device_keys(2)).value();
  ASSERT_TRUE(store().upload_prekeys(b.account, b.device, {signed_prekey(1), {one_time_prekey(1)}}).ok());
  sqlite3_commit_hook(
      db_, [](void*) { return 1; }, nullptr);  // every COMMIT turns into ROLLBACK

  const std::vector<Send> batch{send_to(a, {b}, 1), send_to(a, {}, 2)};
  for (const auto& o : store().commit_sends(batch)) EXPECT_EQ(o.code(), Errc::storage_failure);
  EXPECT_EQ(store().create_account(device_keys(3)).code(), Errc::storage_failure);
  EXPECT_EQ(store().link_device(a.account, device_keys(4)).code(), Errc::storage_failure);
  EXPECT_EQ(store().put_device_list(a.account, {1, pattern(5, 1)}).code(), Errc::storage_failure);
  EXPECT_EQ(store().fetch_prekey_bundles(b.account).code(), Errc::storage_failure);
  EXPECT_EQ(store().acknowledge(std::vector{MessageAck{mailbox(b), ServerId{1}}}).code(),
            Errc::storage_failure);
  EXPECT_EQ(store().expire_messages().code(), Errc::storage_failure);

  sqlite3_commit_hook(db_, nullptr, nullptr);
  EXPECT_EQ(store().queue_usage(mailbox(b)).value().messages, 0u);
  EXPECT_EQ(store().devices(a.account).value().size(), 1u);
  EXPECT_EQ(store().one_time_prekey_stock(b.account, b.device).value(), 1u);  // the fetch took nothing
  EXPECT_TRUE(store().commit_send(send_to(a, {b}, 1)).ok());
  EXPECT_EQ(store().queue_usage(mailbox(b)).value().messages, 1u);
}

TEST_F(SqliteStoreTest, AWriteLockHeldTooLongIsAStorageFailure) {
  open({.busy_timeout_ms = 50});
  const auto a = store().create_account(device_keys(1)).value();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "store.db").c_str(), &other), SQLITE_OK);
  exec(other, "BEGIN IMMEDIATE");
  EXPECT_EQ(store().commit_send(send_to(a, {a}, 1)).code(), Errc::storage_failure);
  EXPECT_TRUE(store().devices(a.account).ok());  // readers are not blocked in WAL mode
  exec(other, "COMMIT");
  sqlite3_close(other);
  const auto a2 = store().link_device(a.account, device_keys(2));
  ASSERT_TRUE(a2.ok());
  ASSERT_TRUE(store().put_device_list(a.account, {1, pattern(10, 1), std::vector<DeviceId>{a.device, a2->device}}).ok());
  EXPECT_TRUE(store().commit_send(send_to(a, {a2.value()}, 1)).ok());
}

TEST(SqliteStore, RefusesADatabaseItCannotUse) {
  TempDir dir;
  EXPECT_EQ(open_sqlite_backend(dir.path() / "no-such-dir" / "store.db").code(), Errc::storage_failure);

  std::ofstream(dir.path() / "garbage.db") << std::string(8192, 'x');
  EXPECT_EQ(open_sqlite_backend(dir.path() / "garbage.db").code(), Errc::storage_failure);

  const auto future = dir.path() / "future.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(future.c_str(), &db), SQLITE_OK);
    exec(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
  }
  const auto refused = open_sqlite_backend(future);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Errc::storage_failure);
  EXPECT_NE(refused.error().detail.find("schema version 99"), std::string::npos);
}

// --- Memory and SQLite agree -------------------------------------------------------------------

// Every answer of the store as text, so that two engines' answers compare in one EXPECT.
template <typename T>
std::string describe(const Result<T>& r, std::string (*value)(const T&)) {
  return r.ok() ? value(r.value()) : std::string(core::errc_name(r.code()));
}
std::string describe(const SendOutcome& o) {
  if (o.ok())
    return "sent " + std::to_string(o.receipt().server_id.value) + (o.receipt().repeated ? " again" : "");
  return core::to_string(o.error());
}
std::string describe_device(const DeviceRecord& d) {
  return "device " + std::to_string(d.device.value) + "/" + std::to_string(d.incarnation.value);
}
std::string describe_messages(const std::vector<QueuedMessage>& list) {
  std::string out = "fetched";
  for (const auto& m : list)
    out += " " + std::to_string(m.server_id.value) + "," + std::to_string(m.ciphertext.size());
  return out;
}
std::string describe_count(const std::size_t& n) { return std::to_string(n); }
std::string describe_void() { return "ok"; }
std::string describe_version(const std::uint64_t& v) { return "appended " + std::to_string(v); }
std::string describe_page(const Store::GroupLogPage& page) {
  std::string out = "log";
  for (const auto& e : page.entries) out += " " + std::to_string(crypto::sha256(e)[0]);
  return out + (page.more ? " more" : "");
}

// The whole log of `group` as the store under test serves it.
std::vector<core::Bytes> whole_log(Store& store, const core::Bytes& group) {
  std::vector<core::Bytes> log;
  for (;;) {
    auto page = store.group_log(group, log.size() + 1);
    if (!page.ok()) break;
    log.insert(log.end(), page->entries.begin(), page->entries.end());
    if (!page->more) break;
  }
  return log;
}


struct Op {
  std::uint8_t kind, x, y, z;
};

// Runs `ops` on `store` and returns every answer. Device lists for building sends come from the
// store under test, so a divergence shows in the answers, not in the inputs.
std::vector<std::string> run(Store& store, FakeClock& clock, const std::vector<Op>& ops) {
  std::vector<std::string> answers;
  std::vector<AccountId> accounts;
  for (std::uint32_t i = 1; i <= 3; ++i)
    accounts.push_back(store.create_account(device_keys(i)).value().account);
  std::uint32_t next_key = 10;
  for (const auto& op : ops) {
    const AccountId account = accounts[op.x % 3];
    // Half the time the primary, which every account has.
    const DeviceId device{op.y % 2 ? 1u : 1u + op.y / 2 % 6};
    const auto incarnation_of = [&](DeviceId d) {
      auto found = store.device(account, d);
      return found.ok() ? found->incarnation : Incarnation{1};
    };
    switch (op.kind % 8) {
      case 0:
        answers.push_back(describe(store.link_device(account, device_keys(next_key++)), describe_device));
        break;
      case 1: {
        const auto r = store.remove_device(account, device);
        answers.push_back(r.ok() ? describe_void() : std::string(core::errc_name(r.code())));
        break;
      }
      case 2: {
        const auto senders = store.devices(account).value();
        if (senders.empty()) break;
        const AccountId to = accounts[op.y % 3];
        auto targets = store.devices(to).value();
        std::erase_if(targets,
                      [&](const DeviceRecord& d) { return to == account && d.device == senders[0].device; });
        Send send = send_to(senders[0], targets, op.z % 8, 1 + op.z);
        send.destination = to;
        if ((op.z & 0x10) && !send.ciphertexts.empty()) send.ciphertexts.pop_back();
        if ((op.z & 0x20) && !send.ciphertexts.empty()) send.ciphertexts[0].incarnation.value++;
        answers.push_back(describe(store.commit_send(send)));
        break;
      }
      case 3:
        answers.push_back(
            describe(store.fetch({account, device, incarnation_of(device)}, ServerId{op.z % 4u}, 3),
                     describe_messages));
        break;
      case 4:
        answers.push_back(describe(store.acknowledge(std::vector{MessageAck{
                                       {account, device, incarnation_of(device)}, ServerId{op.z % 16u}}}),
                                   describe_count));
        break;
      case 5:
        clock.advance(op.z * (store.settings().message_retention_ms / 64));
        answers.push_back(describe(store.expire_messages(), describe_count));
        break;
      case 6: {  // a membership entry for one of two groups, now and then one version too far
        const core::Bytes group(16, static_cast<std::uint8_t>(op.z % 2));
        const MailboxAddress author{account, device, incarnation_of(device)};
        const std::uint64_t seed = op.x * 256u + op.z;
        const auto entry = group_entry(group, whole_log(store, group), author, seed, "subject " + std::to_string(seed % 7),
                                       (op.z & 0x30) == 0x30);
        answers.push_back(describe(store.append_group_entry(group, entry, author), describe_version));
        break;
      }
      case 7:
        answers.push_back(describe(store.group_log(core::Bytes(16, static_cast<std::uint8_t>(op.z % 2)), 1 + op.y % 4),
                                   describe_page));
        break;
    }
  }
  return answers;
}

RC_GTEST_PROP(StoreEngines, MemoryAnswersExactlyAsSqlite, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(
      rc::gen::construct<Op>(rc::gen::arbitrary<std::uint8_t>(), rc::gen::arbitrary<std::uint8_t>(),
                             rc::gen::arbitrary<std::uint8_t>(), rc::gen::arbitrary<std::uint8_t>()));
  StoreSettings settings;
  settings.max_queued_messages_per_device = 4;  // reach the cap now and then
  settings.max_group_log_entries = 2;            // and a log's second page
  FakeClock memory_clock, sqlite_clock;
  Store memory = make_memory_store(settings, memory_clock.clock());
  TempDir dir;
  auto sqlite =
      open_sqlite_store(dir.path() / "store.db", settings, sqlite_clock.clock(), {.synchronous_full = false});
  RC_ASSERT(sqlite.ok());
  const auto answers = run(memory, memory_clock, ops);
  RC_ASSERT(answers == run(sqlite.value(), sqlite_clock, ops));
  const auto any = [&](std::string_view prefix) {
    return std::any_of(answers.begin(), answers.end(),
                       [&](const std::string& a) { return a.starts_with(prefix); });
  };
  RC_CLASSIFY(any("sent"), "committed a send");
  RC_CLASSIFY(any("device_mismatch"), "device mismatch");
  RC_CLASSIFY(any("queue_full"), "queue full");
  RC_CLASSIFY(any("fetched "), "fetched messages");
  RC_CLASSIFY(any("appended 2"), "a group log of two entries");
}

}  // namespace
}  // namespace parley::server
