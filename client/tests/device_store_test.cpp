// A device's store (spec §8.6): everything it saves comes back exactly after the file is closed and
// opened again, and a restored session goes on exactly as the one that was saved.
#include "parley/client/store/sqlite_device_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "parley/sqlite/database.h"
#include "parley/wire/capnp_codec.h"

namespace parley::client {
namespace {

crypto::X25519KeyPair key(std::uint64_t seed) {
  crypto::StreamEntropy e(seed);
  return crypto::generate_x25519_key_pair(e).value();
}

class DeviceStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("parley-device-" + std::to_string(::getpid()) + "-" +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite3");
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  }
  std::unique_ptr<DeviceStore> reopen() { return open_sqlite_device_store(file).value(); }
};

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

TEST_F(DeviceStoreTest, EverythingRestoresExactlyAfterAReopen) {
  wire::CapnpCodec codec;
  crypto::StreamEntropy entropy(5);
  const LocalIdentity id{10, 2, 7, 1234, key(20), key(21), key(22).public_key, key(23).public_key, 4};
  const auto signed_prekey = protocol::generate_signed_prekey(id.identity, protocol::SignedPreKeyId{1}, entropy).value();
  const std::vector<protocol::OneTimePreKey> one_time = {{protocol::PreKeyId{1}, key(30)}, {protocol::PreKeyId{2}, key(31)}};
  const auto session = a_session(codec);
  const StoredDeviceList list{20, 3, key(2).public_key, core::Bytes{6, 2, 1}};
  const StoredMessage message{20, Direction::incoming, 20, 1, 99, 1'900'000'000'000, "hello"};
  {
    auto store = open_sqlite_device_store(file).value();
    EXPECT_FALSE(store->identity().value().has_value());
    ASSERT_TRUE(store->save_identity(id).ok());
    ASSERT_TRUE(store->put_signed_prekey(signed_prekey).ok());
    ASSERT_TRUE(store->put_one_time_prekeys(one_time).ok());
    ASSERT_TRUE(store->save_session(session).ok());
    ASSERT_TRUE(store->save_device_list(list).ok());
    EXPECT_TRUE(store->add_message(message).value());
    EXPECT_FALSE(store->add_message(message).value());  // the same message twice is stored once
  }
  auto store = reopen();
  EXPECT_EQ(store->identity().value(), id);
  EXPECT_EQ(store->signed_prekeys().value().at(1), signed_prekey);
  EXPECT_EQ(store->one_time_prekeys().value().size(), 2u);
  EXPECT_EQ(store->one_time_prekeys().value().at(2), one_time[1]);
  EXPECT_EQ(store->next_one_time_prekey_id().value(), 3u);
  EXPECT_EQ(store->device_list(20).value(), list);
  EXPECT_EQ(store->messages(20).value(), std::vector<StoredMessage>{message});
  auto restored = store->session(20, 1).value();
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(*restored, session);
  // The restored session goes on exactly as the original would have.
  auto original = session;
  const auto a = protocol::session_encrypt(original.record, core::as_bytes("second"), codec).value();
  const auto b = protocol::session_encrypt(restored->record, core::as_bytes("second"), codec).value();
  EXPECT_EQ(a.wire, b.wire);
}

TEST_F(DeviceStoreTest, AConsumedPrekeyIsGoneForGoodAndItsIdNeverReturns) {
  {
    auto store = open_sqlite_device_store(file).value();
    ASSERT_TRUE(store->put_one_time_prekeys({{protocol::PreKeyId{7}, key(1)}}).ok());
    ASSERT_TRUE(store->delete_one_time_prekey(protocol::PreKeyId{7}).ok());
  }
  auto store = reopen();
  EXPECT_TRUE(store->one_time_prekeys().value().empty());
  EXPECT_EQ(store->next_one_time_prekey_id().value(), 8u);
  ASSERT_TRUE(store->put_one_time_prekeys({{protocol::PreKeyId{2}, key(2)}}).ok());
  EXPECT_EQ(store->next_one_time_prekey_id().value(), 8u);  // never goes back
}

TEST_F(DeviceStoreTest, SessionsAreReplacedAndDeleted) {
  wire::CapnpCodec codec;
  auto store = open_sqlite_device_store(file).value();
  auto s = a_session(codec);
  ASSERT_TRUE(store->save_session(s).ok());
  s.incarnation = 6;
  ASSERT_TRUE(store->save_session(s).ok());
  EXPECT_EQ(store->session_summaries().value().size(), 1u);
  EXPECT_EQ(store->session(20, 1).value()->incarnation, 6u);
  ASSERT_TRUE(store->delete_session(20, 1).ok());
  EXPECT_FALSE(store->session(20, 1).value().has_value());
}

TEST_F(DeviceStoreTest, AFileOfAnotherSchemaIsRefused) {
  {
    auto db = sqlite::Database::open(file, {}, {"PRAGMA user_version = 42;", 42}).value();
  }
  EXPECT_EQ(open_sqlite_device_store(file).code(), core::Errc::storage_failure);
}

TEST_F(DeviceStoreTest, ReceiptsAheadAreTheMarksForMessagesNotHeld) {
  auto store = reopen();
  using protocol::receipts::Status;
  const StoredMessage mine{7, Direction::outgoing, 1, 2, 100, 5, "held"};
  ASSERT_TRUE(store->add_message(mine).ok());
  EXPECT_EQ(store->receipts_ahead(7, 1).value(), 0u);
  EXPECT_TRUE(store->add_receipt(7, {7, Status::delivered, 2, 100}).value());  // a held message
  EXPECT_TRUE(store->add_receipt(7, {7, Status::read, 2, 100}).value());
  EXPECT_EQ(store->receipts_ahead(7, 1).value(), 0u);
  EXPECT_TRUE(store->add_receipt(7, {7, Status::delivered, 2, 101}).value());  // not here yet
  EXPECT_TRUE(store->add_receipt(7, {7, Status::delivered, 3, 100}).value());  // another device's
  EXPECT_FALSE(store->add_receipt(7, {7, Status::delivered, 3, 100}).value());  // a repeat
  EXPECT_EQ(store->receipts_ahead(7, 1).value(), 2u);
  EXPECT_EQ(store->receipts_ahead(8, 1).value(), 0u);  // per chat
  EXPECT_EQ(store->receipts_ahead(7, 2).value(), 4u);  // held means ours
}

}  // namespace
}  // namespace parley::client
