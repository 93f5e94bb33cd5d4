// A device's store (spec §8.6), as one typed suite over both implementations (SQLite and memory):
// everything it saves comes back exactly (after the file is closed and opened again, for SQLite),
// a restored session goes on exactly as the one that was saved, a unit of work is all or nothing,
// and each store rule holds. SQLite alone: a file of another schema is refused, a version 2 file is
// upgraded.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parley/client/store/memory_device_store.h"
#include "parley/client/store/sqlite_device_store.h"
#include "parley/protocol/retry/retry.h"
#include "parley/sqlite/database.h"
#include "parley/wire/capnp_codec.h"

namespace parley::client {
namespace {

using protocol::receipts::Status;

crypto::X25519KeyPair key(std::uint64_t seed) {
  crypto::StreamEntropy e(seed);
  return crypto::generate_x25519_key_pair(e).value();
}

std::filesystem::path temp_file() {
  return std::filesystem::temp_directory_path() /
         ("parley-device-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
          ".sqlite3");
}

// The device's own file, opened again as a restarted device opens it.
struct Sqlite {
  std::filesystem::path file = temp_file();
  std::unique_ptr<DeviceStore> store;
  ~Sqlite() {
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  }
  DeviceStore& reopen() {
    store.reset();
    store = open_sqlite_device_store(file).value();
    return *store;
  }
};

// Memory: a restart keeps what was committed (the simulation's rule), so "again" is the same store.
struct Memory {
  std::unique_ptr<DeviceStore> store = make_memory_device_store();
  DeviceStore& reopen() { return *store; }
};

template <typename Kind>
class DeviceStoreTest : public ::testing::Test {
 protected:
  Kind kind;
  DeviceStore& store() { return kind.store ? *kind.store : kind.reopen(); }
  DeviceStore& reopen() { return kind.reopen(); }
};

class KindNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, Sqlite> ? "Sqlite" : "Memory";
  }
};

using Kinds = ::testing::Types<Sqlite, Memory>;
TYPED_TEST_SUITE(DeviceStoreTest, Kinds, KindNames);

// Alice's session with Bob's device, after she encrypted a message in it.
StoredSession a_session(wire::CapnpCodec& codec) {
  crypto::StreamEntropy entropy(11);
  const auto alice = key(1), bob = key(2);
  const auto bob_signed = protocol::generate_signed_prekey(bob, protocol::SignedPreKeyId{3}, entropy).value();
  const auto bob_one_time = key(3);
  protocol::PreKeyBundle bundle{protocol::RegistrationId{9}, 1, bob.public_key, bob_signed.id,
                                bob_signed.key.public_key, bob_signed.signature, protocol::PreKeyId{4},
                                bob_one_time.public_key};
  StoredSession s{20, 1, 5, bob.public_key, {}};
  EXPECT_TRUE(protocol::start_session(s.record, alice, protocol::RegistrationId{8}, bundle, entropy).ok());
  EXPECT_TRUE(protocol::session_encrypt(s.record, core::as_bytes("first"), codec).ok());
  return s;
}

TYPED_TEST(DeviceStoreTest, EverythingRestoresExactlyAfterAReopen) {
  wire::CapnpCodec codec;
  crypto::StreamEntropy entropy(5);
  const LocalIdentity id{10, 2, 7, 1234, key(20), key(21), key(22).public_key, key(23).public_key, 4};
  const StoredSignedPreKey signed_prekey{protocol::generate_signed_prekey(id.identity, protocol::SignedPreKeyId{1}, entropy).value(), 77};
  const std::vector<protocol::OneTimePreKey> one_time = {{protocol::PreKeyId{1}, key(30)}, {protocol::PreKeyId{2}, key(31)}};
  const auto session = a_session(codec);
  const StoredDeviceList list{20, 3, key(2).public_key, core::Bytes{6, 2, 1}};
  const StoredMessage message{20, Direction::incoming, 20, 1, 99, 1'900'000'000'000, "hello"};
  {
    auto& store = this->store();
    EXPECT_FALSE(store.identity().value().has_value());
    ASSERT_TRUE(store.save_identity(id).ok());
    ASSERT_TRUE(store.put_signed_prekey(signed_prekey).ok());
    ASSERT_TRUE(store.put_one_time_prekeys(one_time).ok());
    ASSERT_TRUE(store.save_session(session).ok());
    ASSERT_TRUE(store.save_device_list(list).ok());
    EXPECT_TRUE(store.add_message(message).value());
    EXPECT_FALSE(store.add_message(message).value());  // the same message twice is stored once
  }
  auto& store = this->reopen();
  EXPECT_EQ(store.identity().value(), id);
  EXPECT_EQ(store.signed_prekeys().value(), std::vector<StoredSignedPreKey>{signed_prekey});
  EXPECT_EQ(store.one_time_prekeys().value().size(), 2u);
  EXPECT_EQ(store.one_time_prekeys().value().at(2), one_time[1]);
  EXPECT_EQ(store.next_one_time_prekey_id().value(), 3u);
  EXPECT_EQ(store.device_list(20).value(), list);
  EXPECT_EQ(store.messages(20).value(), std::vector<StoredMessage>{message});
  auto restored = store.session(20, 1).value();
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(*restored, session);
  // The restored session goes on exactly as the original would have.
  auto original = session;
  const auto a = protocol::session_encrypt(original.record, core::as_bytes("second"), codec).value();
  const auto b = protocol::session_encrypt(restored->record, core::as_bytes("second"), codec).value();
  EXPECT_EQ(a.wire, b.wire);
}

TYPED_TEST(DeviceStoreTest, AUnitOfWorkIsAllOrNothing) {
  wire::CapnpCodec codec;
  auto& store = this->store();
  const StoredMessage before{20, Direction::incoming, 20, 1, 1, 5, "before"};
  ASSERT_TRUE(store.add_message(before).ok());
  {
    UnitOfWork work(store);
    ASSERT_TRUE(work.begun().ok());
    ASSERT_TRUE(store.save_session(a_session(codec)).ok());
    ASSERT_TRUE(store.add_message({20, Direction::incoming, 20, 1, 2, 6, "lost"}).ok());
    ASSERT_TRUE(store.take_message_id().ok());
    // Read inside the unit of work: what it wrote.
    EXPECT_EQ(store.messages(20).value().size(), 2u);
  }  // not committed: rolled back
  auto& again = this->reopen();
  EXPECT_EQ(again.messages(20).value(), std::vector<StoredMessage>{before});
  EXPECT_FALSE(again.session(20, 1).value().has_value());
  EXPECT_EQ(again.take_message_id().value(), 1u);  // the id taken inside was given back
  {
    UnitOfWork work(again);
    ASSERT_TRUE(again.add_message({20, Direction::incoming, 20, 1, 3, 7, "kept"}).ok());
    ASSERT_TRUE(work.commit().ok());
  }
  EXPECT_EQ(this->reopen().messages(20).value().size(), 2u);
}

TYPED_TEST(DeviceStoreTest, AConsumedPrekeyIsGoneForGoodAndItsIdNeverReturns) {
  {
    auto& store = this->store();
    ASSERT_TRUE(store.put_one_time_prekeys({{protocol::PreKeyId{7}, key(1)}}).ok());
    ASSERT_TRUE(store.delete_one_time_prekey(protocol::PreKeyId{7}).ok());
  }
  auto& store = this->reopen();
  EXPECT_TRUE(store.one_time_prekeys().value().empty());
  EXPECT_EQ(store.next_one_time_prekey_id().value(), 8u);
  ASSERT_TRUE(store.put_one_time_prekeys({{protocol::PreKeyId{2}, key(2)}}).ok());
  EXPECT_EQ(store.next_one_time_prekey_id().value(), 8u);  // never goes back
}

TYPED_TEST(DeviceStoreTest, SignedPrekeysComeOldestFirstAndGo) {
  crypto::StreamEntropy entropy(6);
  auto& store = this->store();
  const auto identity = key(40);
  const StoredSignedPreKey newer{protocol::generate_signed_prekey(identity, protocol::SignedPreKeyId{2}, entropy).value(), 200};
  const StoredSignedPreKey older{protocol::generate_signed_prekey(identity, protocol::SignedPreKeyId{1}, entropy).value(), 100};
  ASSERT_TRUE(store.put_signed_prekey(newer).ok());
  ASSERT_TRUE(store.put_signed_prekey(older).ok());
  EXPECT_EQ(store.signed_prekeys().value(), (std::vector<StoredSignedPreKey>{older, newer}));
  ASSERT_TRUE(store.delete_signed_prekey(protocol::SignedPreKeyId{1}).ok());
  EXPECT_EQ(this->reopen().signed_prekeys().value(), std::vector<StoredSignedPreKey>{newer});
}

TYPED_TEST(DeviceStoreTest, SessionsAreReplacedSummarizedAndDeleted) {
  wire::CapnpCodec codec;
  auto& store = this->store();
  auto s = a_session(codec);
  ASSERT_TRUE(store.save_session(s).ok());
  s.incarnation = 6;
  ASSERT_TRUE(store.save_session(s).ok());
  EXPECT_EQ(store.session_summaries().value(), (std::vector<SessionSummary>{{20, 1, 6, s.identity_key}}));
  ASSERT_TRUE(store.set_session_incarnation(20, 1, 9).ok());
  EXPECT_EQ(store.session(20, 1).value()->incarnation, 9u);
  EXPECT_EQ(store.session(20, 1).value()->record, s.record);  // the record itself untouched
  ASSERT_TRUE(store.delete_session(20, 1).ok());
  EXPECT_FALSE(store.session(20, 1).value().has_value());
  EXPECT_TRUE(store.session_summaries().value().empty());
}

TYPED_TEST(DeviceStoreTest, ReceiptMarksAheadAreCountedPerChatAndSettled) {
  auto& store = this->store();
  EXPECT_EQ(store.receipts_ahead(7).value(), 0u);
  EXPECT_TRUE(store.note_receipt_ahead(7, 2, 101).value());
  EXPECT_FALSE(store.note_receipt_ahead(7, 2, 101).value());  // a repeat counts once
  EXPECT_TRUE(store.note_receipt_ahead(7, 3, 100).value());
  EXPECT_EQ(store.receipts_ahead(7).value(), 2u);
  EXPECT_EQ(store.receipts_ahead(8).value(), 0u);  // per chat
  ASSERT_TRUE(store.settle_receipt_ahead(7, 2, 101).ok());
  ASSERT_TRUE(store.settle_receipt_ahead(7, 2, 101).ok());  // settled once
  ASSERT_TRUE(store.settle_receipt_ahead(7, 9, 9).ok());    // never noted: nothing
  EXPECT_EQ(this->reopen().receipts_ahead(7).value(), 1u);
}

TYPED_TEST(DeviceStoreTest, HeldMessagesWaitPerDeviceUntilReleased) {
  auto& store = this->store();
  const HeldMessage first{11, 20, 2, 1000, core::Bytes{3, 1}}, second{12, 20, 2, 1001, core::Bytes{3, 2}}, other{13, 20, 3, 1002, {}};
  ASSERT_TRUE(store.hold_message(second).ok());
  ASSERT_TRUE(store.hold_message(first).ok());
  ASSERT_TRUE(store.hold_message(first).ok());  // idempotent by server id
  ASSERT_TRUE(store.hold_message(other).ok());
  EXPECT_EQ(store.held_messages(20, 2).value(), (std::vector<HeldMessage>{first, second}));  // delivery order
  EXPECT_EQ(store.held_count(20, 2).value(), 2u);
  EXPECT_EQ(store.held_senders().value(), (std::vector<std::pair<std::uint64_t, std::uint32_t>>{{20, 2}, {20, 3}}));
  ASSERT_TRUE(store.release_held(11).ok());
  EXPECT_EQ(this->reopen().held_messages(20, 2).value(), std::vector<HeldMessage>{second});
}

TYPED_TEST(DeviceStoreTest, SendsAreRecordedPerDeviceAndTheOldestGo) {
  auto& store = this->store();
  ASSERT_TRUE(store.record_send(5, 900, 20, {1, 2}).ok());
  EXPECT_EQ(store.sent_to(5, 20, 2).value(), std::optional<std::uint64_t>(900));
  EXPECT_FALSE(store.sent_to(5, 20, 3).value().has_value());  // not a recipient of that send
  EXPECT_FALSE(store.sent_to(5, 21, 1).value().has_value());
  EXPECT_FALSE(store.sent_to(6, 20, 1).value().has_value());
  // kMaxTrackedMessages sends more: the first is forgotten.
  for (std::uint64_t id = 10; id < 10 + protocol::retry::kMaxTrackedMessages; ++id)
    ASSERT_TRUE(store.record_send(id, id, 20, {1}).ok());
  auto& again = this->reopen();
  EXPECT_FALSE(again.sent_to(5, 20, 1).value().has_value());
  EXPECT_EQ(again.sent_to(10, 20, 1).value(), std::optional<std::uint64_t>(10));
  EXPECT_EQ(again.recorded_sends().value().size(), protocol::retry::kMaxTrackedMessages);
}

// Groups (spec §11.3): chat numbers from kFirstGroupChat, given once; a saved group replaced whole
// (its log and own key) but keeping its chat; sender keys per (account, device, distribution id),
// deleted one at a time or per group and account; key holders per group.
TYPED_TEST(DeviceStoreTest, GroupsKeysAndHoldersAreKeptAndChatNumbersGivenOnce) {
  const core::Bytes g1(16, 1), g2(16, 2), d1(16, 7), d2(16, 8);
  {
    auto& store = this->store();
    EXPECT_FALSE(store.group(g1).value().has_value());
    const auto c1 = store.save_group({g1, 0, {}, {}}).value();
    const auto c2 = store.save_group({g2, 0, {core::Bytes(150, 3)}, d1}).value();
    EXPECT_EQ(c1, kFirstGroupChat + 1);
    EXPECT_EQ(c2, c1 + 1);
    EXPECT_TRUE(is_group_chat(c1));
    EXPECT_FALSE(is_group_chat(kFirstGroupChat - 1));
    // Saved again with its whole log: the chat stays.
    EXPECT_EQ(store.save_group({g1, 0, {core::Bytes(150, 4), core::Bytes(0), core::Bytes(200, 5)}, d2}).value(), c1);
    ASSERT_TRUE(store.save_sender_key({5, 1, d1, g1, core::Bytes{1, 2}}).ok());
    ASSERT_TRUE(store.save_sender_key({5, 2, d1, g1, core::Bytes{3}}).ok());
    ASSERT_TRUE(store.save_sender_key({6, 1, d2, g1, core::Bytes{4}}).ok());
    ASSERT_TRUE(store.save_sender_key({6, 1, d1, g2, core::Bytes{5}}).ok());
    ASSERT_TRUE(store.add_key_holder(g1, {5, 1, 9}).ok());
    ASSERT_TRUE(store.add_key_holder(g1, {5, 1, 9}).ok());
    ASSERT_TRUE(store.add_key_holder(g1, {6, 2, 3}).ok());
    ASSERT_TRUE(store.add_key_holder(g2, {7, 1, 1}).ok());
  }
  auto& store = this->reopen();
  const auto first = store.group(g1).value();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->chat, kFirstGroupChat + 1);
  EXPECT_EQ(first->log, (std::vector<core::Bytes>{core::Bytes(150, 4), core::Bytes(0), core::Bytes(200, 5)}));
  EXPECT_EQ(first->own_distribution, d2);
  EXPECT_EQ(store.group_of_chat(kFirstGroupChat + 2).value()->group, g2);
  EXPECT_FALSE(store.group_of_chat(5).value().has_value());
  EXPECT_EQ(store.groups().value().size(), 2u);
  EXPECT_EQ(store.sender_key(5, 2, d1).value()->record, core::Bytes{3});
  ASSERT_TRUE(store.delete_sender_key(5, 2, d1).ok());
  EXPECT_FALSE(store.sender_key(5, 2, d1).value().has_value());
  ASSERT_TRUE(store.delete_sender_keys(g1, std::uint64_t{6}).ok());
  EXPECT_FALSE(store.sender_key(6, 1, d2).value().has_value());
  EXPECT_TRUE(store.sender_key(6, 1, d1).value().has_value());  // the other group's
  EXPECT_TRUE(store.sender_key(5, 1, d1).value().has_value());
  ASSERT_TRUE(store.delete_sender_keys(g1, std::nullopt).ok());
  EXPECT_FALSE(store.sender_key(5, 1, d1).value().has_value());
  EXPECT_EQ(store.key_holders(g1).value(), (std::vector<KeyHolder>{{5, 1, 9}, {6, 2, 3}}));
  ASSERT_TRUE(store.clear_key_holders(g1).ok());
  EXPECT_TRUE(store.key_holders(g1).value().empty());
  EXPECT_EQ(store.key_holders(g2).value().size(), 1u);
}

TEST(SqliteDeviceStore, AFileOfAnotherSchemaIsRefused) {
  Sqlite kind;
  {
    auto db = sqlite::Database::open(kind.file, {}, {"PRAGMA user_version = 42;", 42}).value();
  }
  EXPECT_EQ(open_sqlite_device_store(kind.file).code(), core::Errc::storage_failure);
}

// A profile made before version 3 keeps its keys, sessions and messages, and gets the new tables and
// columns of versions 3 and 4.
TEST(SqliteDeviceStore, AVersionTwoFileIsUpgraded) {
  Sqlite kind;
  {
    auto db = sqlite::Database::open(kind.file, {}, {R"sql(
      CREATE TABLE identity(only INTEGER PRIMARY KEY, account INTEGER, device INTEGER, incarnation INTEGER,
        registration_id INTEGER, identity_private BLOB, noise_private BLOB, server_key BLOB, account_key BLOB,
        next_key_index INTEGER);
      CREATE TABLE signed_prekeys(id INTEGER PRIMARY KEY, private_key BLOB NOT NULL, signature BLOB NOT NULL) STRICT;
      INSERT INTO signed_prekeys VALUES (1, zeroblob(32), zeroblob(64));
      CREATE TABLE messages(
        chat INTEGER NOT NULL, direction INTEGER NOT NULL,
        sender_account INTEGER NOT NULL, sender_device INTEGER NOT NULL, message_id INTEGER NOT NULL,
        timestamp_ms INTEGER NOT NULL, body BLOB NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        UNIQUE (sender_account, sender_device, message_id)) STRICT;
      INSERT INTO messages VALUES (9, 0, 9, 1, 5, 1000, CAST('hello' AS BLOB), 0);
      PRAGMA user_version = 2;)sql", 2}).value();
  }
  auto& store = kind.reopen();
  const auto kept = store.signed_prekeys();
  ASSERT_TRUE(kept.ok()) << core::to_string(kept.error());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ(kept->front().created_ms, 0u);  // an old key: due for rotation at once
  EXPECT_TRUE(store.record_send(1, 2, 3, {4}).ok());
  EXPECT_TRUE(store.hold_message({1, 2, 3, 4, {}}).ok());
  // Version 4 (attachments): the messages kept are texts.
  const auto messages = store.messages(9);
  ASSERT_TRUE(messages.ok()) << core::to_string(messages.error());
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ(messages->front().body, "hello");
  EXPECT_TRUE(messages->front().media.empty());
  const StoredMessage photo{9, Direction::incoming, 9, 1, 6, 1001, "", core::Bytes{1, 2, 3}};
  ASSERT_TRUE(store.add_message(photo).ok());
  EXPECT_EQ(store.message(9, 1, 6).value(), photo);
  // Version 5 (groups): none yet, and the first is numbered from kFirstGroupChat.
  EXPECT_TRUE(store.groups().value().empty());
  EXPECT_EQ(store.save_group({core::Bytes(16, 1), 0, {}, {}}).value(), kFirstGroupChat + 1);
}

}  // namespace
}  // namespace parley::client

namespace parley::client {
namespace {

// The device's keys are its owner's alone (spec §9): the file and SQLite's -wal and -shm beside it
// are 0600 from the moment they exist, whatever the process's umask.
TEST(SqliteDeviceStore, TheFilesAreTheOwnersAlone) {
  Sqlite kind;
  const mode_t previous = ::umask(0);  // the most permissive a caller could have
  auto& store = kind.reopen();
  ::umask(previous);
  ASSERT_TRUE(store.save_identity({1, 1, 1, 1, key(1), key(2), {}, {}, 1}).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((kind.file.string() + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
}

}  // namespace
}  // namespace parley::client
