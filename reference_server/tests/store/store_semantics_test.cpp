// The storage semantics of spec §7.1, one suite typed over both engines (memory and SQLite), so
// that they cannot drift apart: registry, key directory, mailboxes, blobs, limits at N and N+1,
// idempotency, incarnations, expiry with a fake clock, concurrency and reopening.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <thread>

#include "parley/crypto/hash.h"
#include "store_fixture.h"

namespace parley::server {
namespace {

using core::Errc;
using namespace parley::server::testing;

using Engines = ::testing::Types<MemoryEngine, SqliteEngine>;
class EngineNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryEngine> ? "memory" : "sqlite";
  }
};
TYPED_TEST_SUITE(StoreTest, Engines, EngineNames);

// --- Device registry ---------------------------------------------------------------------------

TYPED_TEST(StoreTest, AccountsGetFreshIdsAndAPrimaryDevice) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  EXPECT_EQ(a.device, kPrimaryDeviceId);
  EXPECT_EQ(b.device, kPrimaryDeviceId);
  EXPECT_LT(a.account, b.account);
  EXPECT_NE(a.incarnation, b.incarnation);
  EXPECT_EQ(a.linked_at_ms, FakeClock::kStart);
  EXPECT_EQ(this->store().device(a.account, a.device).value(), a);
  EXPECT_EQ(this->store().device_by_noise_key(b.keys.noise_static_key).value(), b);
  EXPECT_EQ(this->store().devices(a.account).value(), std::vector{a});
  EXPECT_EQ(this->store().device(a.account, DeviceId{2}).code(), Errc::not_found);
  EXPECT_EQ(this->store().devices(AccountId{999}).code(), Errc::not_found);
  EXPECT_EQ(this->store().device_by_noise_key(device_keys(77).noise_static_key).code(), Errc::not_found);
  EXPECT_EQ(this->store().device_by_noise_key(core::Bytes(31)).code(), Errc::malformed);
}

TYPED_TEST(StoreTest, KeysOfTheWrongShapeAreRefused) {
  auto keys = device_keys(1);
  keys.identity_key.pop_back();
  EXPECT_EQ(this->store().create_account(keys).code(), Errc::malformed);
  keys = device_keys(1);
  keys.identity_key[0] = 0x06;
  EXPECT_EQ(this->store().create_account(keys).code(), Errc::bad_key);
  keys = device_keys(1);
  keys.noise_static_key.push_back(0);
  EXPECT_EQ(this->store().create_account(keys).code(), Errc::malformed);
}

TYPED_TEST(StoreTest, NoiseStaticKeyIsUniqueAcrossTheServer) {
  const auto a = this->new_account();
  auto keys = device_keys(50);
  keys.noise_static_key = a.keys.noise_static_key;
  EXPECT_EQ(this->store().create_account(keys).code(), Errc::conflict);
  EXPECT_EQ(this->store().link_device(a.account, keys).code(), Errc::conflict);
  EXPECT_EQ(this->store().devices(a.account).value().size(), 1u);
}

TYPED_TEST(StoreTest, LinkingTakesTheLowestFreeIdUpToTheDeviceLimit) {
  const auto a = this->new_account();
  for (std::uint32_t id = 2; id <= this->settings.max_devices_per_account; ++id)
    EXPECT_EQ(this->link(a.account).device, DeviceId{id});
  // N devices linked; the N+1st is refused.
  EXPECT_EQ(this->store().link_device(a.account, device_keys(100)).code(), Errc::limit_exceeded);
  ASSERT_TRUE(this->store().remove_device(a.account, DeviceId{3}).ok());
  EXPECT_EQ(this->link(a.account).device, DeviceId{3});
  EXPECT_EQ(this->store().link_device(AccountId{999}, device_keys(101)).code(), Errc::not_found);
}

TYPED_TEST(StoreTest, ARelinkedDeviceIdIsANewIncarnationWithAnEmptyMailbox) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  ASSERT_TRUE(this->store().commit_send(send_to(a, {b, b2}, 1)).ok());
  ASSERT_TRUE(this->store().commit_send(send_to(b2, {a}, 1)).ok());
  ASSERT_EQ(this->queued(b2), 1u);

  ASSERT_TRUE(this->store().remove_device(b.account, b2.device).ok());
  EXPECT_EQ(this->store().remove_device(b.account, b2.device).code(), Errc::not_found);
  EXPECT_EQ(this->store().fetch(mailbox(b2), ServerId{0}, 10).code(), Errc::not_found);
  const auto again = this->link(b.account);
  EXPECT_EQ(again.device, b2.device);
  EXPECT_GT(again.incarnation, b2.incarnation);
  EXPECT_TRUE(this->fetch_all(again).empty());
  EXPECT_EQ(this->store().fetch(mailbox(b2), ServerId{0}, 10).code(), Errc::not_found);
  // The old device's idempotency keys went with it: the new one's client id 1 is a new send.
  const auto repeat = this->store().commit_send(send_to(again, {a}, 1));
  ASSERT_TRUE(repeat.ok());
  EXPECT_FALSE(repeat.receipt().repeated);
  EXPECT_EQ(this->queued(a), 2u);
}

// A companion linked at the server is written to only once its primary's list names it, and not
// after a list leaves it out: a link that never completed holds up no send (spec §7.1).
TYPED_TEST(StoreTest, ALinkedDeviceIsWrittenToOnlyWhileAListNamesIt) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  auto b2 = this->store().link_device(b.account, device_keys(50)).value();
  EXPECT_FALSE(b2.listed);
  EXPECT_TRUE(this->store().commit_send(send_to(a, {b}, 1)).ok());
  b2.listed = true;
  auto extra = this->store().commit_send(send_to(a, {b, b2}, 2));
  EXPECT_EQ(extra.mismatch(), (DeviceMismatch{{}, {b2.device}, {}}));
  ASSERT_TRUE(this->store().put_device_list(b.account, {1, pattern(10, 1), std::vector<DeviceId>{b.device, b2.device}}).ok());
  EXPECT_TRUE(this->store().device(b.account, b2.device).value().listed);
  EXPECT_EQ(this->store().commit_send(send_to(a, {b}, 3)).mismatch(), (DeviceMismatch{{b2.device}, {}, {}}));
  EXPECT_TRUE(this->store().commit_send(send_to(a, {b, b2}, 4)).ok());
  ASSERT_TRUE(this->store().put_device_list(b.account, {2, pattern(10, 2), std::vector<DeviceId>{b.device}}).ok());
  EXPECT_TRUE(this->store().commit_send(send_to(a, {b}, 5)).ok());
  // What a list says survives reopening.
  this->reopen();
  EXPECT_FALSE(this->store().device(b.account, b2.device).value().listed);
  EXPECT_TRUE(this->store().device(b.account, b.device).value().listed);
}

TYPED_TEST(StoreTest, DeviceListVersionsOnlyGoForward) {
  const auto a = this->new_account();
  auto& s = this->store();
  EXPECT_EQ(s.device_list(a.account).code(), Errc::not_found);
  EXPECT_EQ(s.put_device_list(a.account, {0, pattern(10, 1)}).code(), Errc::conflict);
  ASSERT_TRUE(s.put_device_list(a.account, {1, pattern(10, 1)}).ok());
  EXPECT_EQ(s.device_list(a.account).value(), (SignedDeviceList{1, pattern(10, 1)}));
  EXPECT_EQ(s.put_device_list(a.account, {1, pattern(10, 2)}).code(), Errc::conflict);
  ASSERT_TRUE(s.put_device_list(a.account, {5, pattern(10, 3)}).ok());
  EXPECT_EQ(s.put_device_list(a.account, {4, pattern(10, 4)}).code(), Errc::conflict);
  EXPECT_EQ(s.device_list(a.account).value(), (SignedDeviceList{5, pattern(10, 3)}));
  EXPECT_EQ(s.put_device_list(a.account, {6, {}}).code(), Errc::malformed);
  EXPECT_TRUE(s.put_device_list(a.account, {6, pattern(this->settings.max_device_list_size, 1)}).ok());
  EXPECT_EQ(s.put_device_list(a.account, {7, pattern(this->settings.max_device_list_size + 1, 1)}).code(),
            Errc::limit_exceeded);
  EXPECT_EQ(s.put_device_list(AccountId{999}, {1, pattern(10, 1)}).code(), Errc::not_found);
}

// --- Key directory -----------------------------------------------------------------------------

TYPED_TEST(StoreTest, BundlesHandOutTheLowestOneTimePreKeyOnce) {
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  auto& s = this->store();
  ASSERT_EQ(
      s.upload_prekeys(a.account, a.device,
                       {signed_prekey(9), {one_time_prekey(30), one_time_prekey(10), one_time_prekey(20)}})
          .value(),
      3u);
  auto bundles = s.fetch_prekey_bundles(a.account).value();
  ASSERT_EQ(bundles.size(), 2u);
  EXPECT_EQ(bundles[0].device, a.device);
  EXPECT_EQ(bundles[0].registration_id, a.keys.registration_id);
  EXPECT_EQ(bundles[0].identity_key, a.keys.identity_key);
  EXPECT_EQ(bundles[0].signed_prekey, signed_prekey(9));
  EXPECT_EQ(bundles[0].one_time_prekey, one_time_prekey(10));
  EXPECT_EQ(bundles[0].remaining_one_time_prekeys, 2u);
  // A device that uploaded nothing yet has neither key.
  EXPECT_EQ(bundles[1].device, a2.device);
  EXPECT_FALSE(bundles[1].signed_prekey.has_value());
  EXPECT_FALSE(bundles[1].one_time_prekey.has_value());

  EXPECT_EQ(s.fetch_prekey_bundles(a.account).value()[0].one_time_prekey, one_time_prekey(20));
  EXPECT_EQ(s.fetch_prekey_bundles(a.account).value()[0].one_time_prekey, one_time_prekey(30));
  bundles = s.fetch_prekey_bundles(a.account).value();
  EXPECT_FALSE(bundles[0].one_time_prekey.has_value());  // ran out: a bundle without one
  EXPECT_EQ(bundles[0].signed_prekey, signed_prekey(9));
  EXPECT_EQ(bundles[0].remaining_one_time_prekeys, 0u);
  EXPECT_EQ(s.one_time_prekey_stock(a.account, a.device).value(), 0u);
  EXPECT_EQ(s.fetch_prekey_bundles(AccountId{999}).code(), Errc::not_found);
}

TYPED_TEST(StoreTest, UploadLimitsAtNAndNPlusOne) {
  this->settings.max_one_time_prekeys_per_device = 150;
  const auto a = this->new_account();
  auto& s = this->store();
  PreKeyUpload upload;
  for (std::uint32_t i = 1; i <= this->settings.max_one_time_prekeys_per_upload + 1; ++i)
    upload.one_time_prekeys.push_back(one_time_prekey(i));
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, upload).code(), Errc::limit_exceeded);
  EXPECT_EQ(s.one_time_prekey_stock(a.account, a.device).value(), 0u);
  upload.one_time_prekeys.pop_back();
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, upload).value(), 100u);

  // The stock cap: 100 + 50 fits, one more does not, and a replacement adds nothing.
  PreKeyUpload more;
  for (std::uint32_t i = 1001; i <= 1050; ++i) more.one_time_prekeys.push_back(one_time_prekey(i));
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, more).value(), 150u);
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {std::nullopt, {one_time_prekey(2000)}}).code(),
            Errc::limit_exceeded);
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {std::nullopt, {one_time_prekey(1, 5)}}).value(), 150u);
}

TYPED_TEST(StoreTest, DuplicatePreKeyIds) {
  const auto a = this->new_account();
  auto& s = this->store();
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {std::nullopt, {one_time_prekey(1), one_time_prekey(1, 9)}})
                .code(),
            Errc::malformed);
  EXPECT_EQ(s.one_time_prekey_stock(a.account, a.device).value(), 0u);
  ASSERT_EQ(s.upload_prekeys(a.account, a.device, {signed_prekey(1), {one_time_prekey(1)}}).value(), 1u);
  // A later upload under the same id replaces the key (the device no longer holds the old one).
  ASSERT_EQ(s.upload_prekeys(a.account, a.device, {signed_prekey(2), {one_time_prekey(1, 9)}}).value(), 1u);
  const auto bundle = s.fetch_prekey_bundles(a.account).value().at(0);
  EXPECT_EQ(bundle.one_time_prekey, one_time_prekey(1, 9));
  EXPECT_EQ(bundle.signed_prekey, signed_prekey(2));
}

TYPED_TEST(StoreTest, PreKeysOfTheWrongShapeAreRefused) {
  const auto a = this->new_account();
  auto& s = this->store();
  auto bad = one_time_prekey(1);
  bad.public_key.pop_back();
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {std::nullopt, {bad}}).code(), Errc::malformed);
  bad = one_time_prekey(1);
  bad.public_key[0] = 0;
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {std::nullopt, {bad}}).code(), Errc::bad_key);
  auto spk = signed_prekey(1);
  spk.signature.pop_back();
  EXPECT_EQ(s.upload_prekeys(a.account, a.device, {spk, {}}).code(), Errc::malformed);
  EXPECT_EQ(s.upload_prekeys(a.account, DeviceId{2}, {signed_prekey(1), {}}).code(), Errc::not_found);
}

// Four connections take keys as fast as they can; each key comes out exactly once.
TYPED_TEST(StoreTest, ConcurrentFetchesHandOutEachOneTimePreKeyExactlyOnce) {
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  for (const auto& d : {a, a2}) {
    PreKeyUpload upload{signed_prekey(1), {}};
    for (std::uint32_t i = 1; i <= 100; ++i)
      upload.one_time_prekeys.push_back(one_time_prekey(i, d.device.value));
    ASSERT_TRUE(this->store().upload_prekeys(a.account, d.device, upload).ok());
  }
  constexpr int kThreads = 4;
  std::vector<std::vector<std::pair<DeviceId, PreKeyId>>> taken(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t, connection = std::make_shared<Store>(this->connect())] {
      for (;;) {
        auto bundles = connection->fetch_prekey_bundles(a.account);
        if (!bundles.ok()) {
          ++failures[t];
          continue;
        }
        bool any = false;
        for (const auto& b : *bundles)
          if (b.one_time_prekey) {
            taken[t].emplace_back(b.device, b.one_time_prekey->id);
            any = true;
          }
        if (!any) return;
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::pair<DeviceId, PreKeyId>> all;
  std::size_t total = 0;
  for (const auto& list : taken) {
    total += list.size();
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(total, 200u);
  EXPECT_EQ(all.size(), 200u);  // no key twice
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
}

// --- Mailboxes ---------------------------------------------------------------------------------

TYPED_TEST(StoreTest, ASendIsQueuedForEveryDeviceInServerIdOrder) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const std::vector<DeviceRecord> bs{b, this->link(b.account), this->link(b.account)};
  std::vector<SendReceipt> receipts;
  for (std::uint64_t n = 1; n <= 3; ++n) {
    this->clock.advance(5);
    auto outcome = this->store().commit_send(send_to(a, bs, n));
    ASSERT_TRUE(outcome.ok()) << core::to_string(outcome.error());
    EXPECT_EQ(outcome.receipt().timestamp_ms, this->clock.now());
    EXPECT_FALSE(outcome.receipt().repeated);
    if (!receipts.empty()) {
      EXPECT_GT(outcome.receipt().server_id, receipts.back().server_id);
    }
    receipts.push_back(outcome.receipt());
  }
  for (const auto& d : bs) {
    const auto got = this->fetch_all(d);
    ASSERT_EQ(got.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(got[i], (QueuedMessage{receipts[i].server_id, receipts[i].timestamp_ms, a.account, a.device,
                                       ciphertext_for(d.device, i + 1)}));
    }
    EXPECT_EQ(this->store().queue_usage(mailbox(d)).value(), (QueueUsage{3, 3 * 40}));
  }
}

TYPED_TEST(StoreTest, AMismatchListsMissingExtraAndStaleAndQueuesNothing) {
  const auto a = this->new_account();
  const auto b1 = this->new_account();
  const auto b2 = this->link(b1.account);
  const auto b3 = this->link(b1.account);
  ASSERT_TRUE(this->store().remove_device(b1.account, b3.device).ok());
  const auto b3_again = this->link(b1.account);
  ASSERT_EQ(b3_again.device, b3.device);

  // No ciphertext for 1, one for 2, one for 3's old incarnation, one for a device 7 that is not there.
  Send send = send_to(a, {b2, b3}, 1);
  send.ciphertexts.push_back({DeviceId{7}, Incarnation{1}, pattern(10, 1)});
  const auto outcome = this->store().commit_send(send);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.code(), Errc::device_mismatch);
  EXPECT_EQ(outcome.mismatch(), (DeviceMismatch{{DeviceId{1}}, {DeviceId{7}}, {DeviceId{3}}}));
  EXPECT_EQ(outcome.error().code, Errc::device_mismatch);
  EXPECT_EQ(this->queued(b2), 0u);
  // Nothing was recorded under the idempotency key either: the corrected send goes through.
  const auto fixed = this->store().commit_send(send_to(a, {b1, b2, b3_again}, 1));
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed.receipt().repeated);
  EXPECT_EQ(this->queued(b2), 1u);
  EXPECT_EQ(this->store().commit_send(send_to(a, {}, 2)).code(), Errc::not_found);  // account 0
}

// A resend after a retry request (spec §8.5) goes to exactly one current device of the account.
TYPED_TEST(StoreTest, ARetryGoesToExactlyOneCurrentDevice) {
  const auto a = this->new_account();
  const auto b1 = this->new_account();
  const auto b2 = this->link(b1.account);
  Send one = send_to(a, {b2}, 1);
  one.retry = true;
  ASSERT_TRUE(this->store().commit_send(one).ok());  // device 1 is not missing: it has the message
  EXPECT_EQ(this->queued(b2), 1u);
  Send two = send_to(a, {b1, b2}, 2);
  two.retry = true;
  EXPECT_EQ(this->store().commit_send(two).code(), Errc::malformed);
  Send stale = send_to(a, {b2}, 3);
  stale.retry = true;
  stale.ciphertexts.front().incarnation = Incarnation{b2.incarnation.value + 10};
  EXPECT_EQ(this->store().commit_send(stale).code(), Errc::device_mismatch);
  Send absent = send_to(a, {b2}, 4);
  absent.retry = true;
  absent.ciphertexts.front().device = DeviceId{9};
  EXPECT_EQ(this->store().commit_send(absent).code(), Errc::device_mismatch);
  EXPECT_EQ(this->queued(b2), 1u);
}

TYPED_TEST(StoreTest, ASendToTheSendersOwnAccountSkipsTheSendingDevice) {
  const auto a1 = this->new_account();
  const auto a2 = this->link(a1.account);
  EXPECT_TRUE(this->store().commit_send(send_to(a1, {a2}, 1)).ok());
  const auto to_self = this->store().commit_send(send_to(a1, {a1, a2}, 2));
  EXPECT_EQ(to_self.mismatch(), (DeviceMismatch{{}, {a1.device}, {}}));
  EXPECT_EQ(this->queued(a1), 0u);
  EXPECT_EQ(this->queued(a2), 1u);
}

TYPED_TEST(StoreTest, ARepeatedSendReturnsTheFirstReceiptAndQueuesNothing) {
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  const auto b = this->new_account();
  const auto first = this->store().commit_send(send_to(a, {b}, 42));
  ASSERT_TRUE(first.ok());
  this->clock.advance(1000);
  // Same key, other contents, later: the same receipt.
  const auto again = this->store().commit_send(send_to(a, {b}, 42, 99));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.receipt().server_id, first.receipt().server_id);
  EXPECT_EQ(again.receipt().timestamp_ms, first.receipt().timestamp_ms);
  EXPECT_TRUE(again.receipt().repeated);
  EXPECT_EQ(this->queued(b), 1u);
  // The key is (sender account, sender device, client id): another device's 42 is its own.
  const auto other = this->store().commit_send(send_to(a2, {b}, 42));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other.receipt().repeated);
  // A repeat inside one batch is a repeat too.
  const std::vector<Send> batch{send_to(a, {b}, 43), send_to(a, {b}, 43)};
  const auto outcomes = this->store().commit_sends(batch);
  ASSERT_TRUE(outcomes[0].ok() && outcomes[1].ok());
  EXPECT_EQ(outcomes[1].receipt().server_id, outcomes[0].receipt().server_id);
  EXPECT_TRUE(outcomes[1].receipt().repeated);
  EXPECT_EQ(this->queued(b), 3u);
}

TYPED_TEST(StoreTest, MessageSizeLimitAtNAndNPlusOne) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  EXPECT_TRUE(this->store().commit_send(send_to(a, {b}, 1, this->settings.max_message_size)).ok());
  EXPECT_EQ(this->store().commit_send(send_to(a, {b}, 2, this->settings.max_message_size + 1)).code(),
            Errc::message_too_large);
  EXPECT_EQ(this->queued(b), 1u);
  Send twice = send_to(a, {b}, 3);
  twice.ciphertexts.push_back(twice.ciphertexts.front());
  EXPECT_EQ(this->store().commit_send(twice).code(), Errc::malformed);
}

TYPED_TEST(StoreTest, QueueCapsAtNAndNPlusOne) {
  this->settings.max_queued_messages_per_device = 3;
  this->settings.max_queued_bytes_per_device = 1000;
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  for (std::uint64_t n = 1; n <= 3; ++n) ASSERT_TRUE(this->store().commit_send(send_to(a, {b, b2}, n)).ok());
  EXPECT_EQ(this->store().commit_send(send_to(a, {b, b2}, 4)).code(), Errc::queue_full);
  // One device's full queue refuses the whole send.
  const auto head = this->fetch_all(b2).front();
  ASSERT_EQ(this->store().acknowledge(std::vector{MessageAck{mailbox(b2), head.server_id}}).value(), 1u);
  EXPECT_EQ(this->store().commit_send(send_to(a, {b, b2}, 4)).code(), Errc::queue_full);
  EXPECT_EQ(this->queued(b2), 2u);
  ASSERT_EQ(this->store().acknowledge(std::vector{MessageAck{mailbox(b), head.server_id}}).value(), 1u);
  EXPECT_TRUE(this->store().commit_send(send_to(a, {b, b2}, 4)).ok());

  // Bytes: 3 * 40 are queued on b; 880 more fit exactly after an ack, 881 do not.
  const auto c = this->new_account();
  ASSERT_TRUE(this->store().commit_send(send_to(a, {c}, 10, 120)).ok());
  EXPECT_EQ(this->store().commit_send(send_to(a, {c}, 11, 881)).code(), Errc::queue_full);
  EXPECT_TRUE(this->store().commit_send(send_to(a, {c}, 12, 880)).ok());
  EXPECT_EQ(this->store().queue_usage(mailbox(c)).value(), (QueueUsage{2, 1000}));
}

TYPED_TEST(StoreTest, EachSendOfABatchIsAllOrNothingOnItsOwn) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  std::vector<Send> batch{send_to(a, {b, b2}, 1), send_to(a, {b}, 2), send_to(a, {b, b2}, 3),
                          send_to(a, {b, b2}, 4, this->settings.max_message_size + 1),
                          send_to(a, {b, b2}, 1)};
  const auto outcomes = this->store().commit_sends(batch);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_TRUE(outcomes[0].ok());
  EXPECT_EQ(outcomes[1].mismatch(), (DeviceMismatch{{b2.device}, {}, {}}));
  EXPECT_TRUE(outcomes[2].ok());
  EXPECT_EQ(outcomes[3].code(), Errc::message_too_large);
  EXPECT_TRUE(outcomes[4].ok() && outcomes[4].receipt().repeated);
  for (const auto& d : {b, b2}) {
    const auto got = this->fetch_all(d);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].server_id, outcomes[0].receipt().server_id);
    EXPECT_EQ(got[1].server_id, outcomes[2].receipt().server_id);
  }
  EXPECT_TRUE(this->store().commit_sends({}).empty());
}

TYPED_TEST(StoreTest, FetchIsFifoAfterAGivenIdWithALimit) {
  this->settings.max_fetch = 5;
  const auto a = this->new_account();
  const auto b = this->new_account();
  std::vector<ServerId> ids;
  for (std::uint64_t n = 1; n <= 10; ++n)
    ids.push_back(this->store().commit_send(send_to(a, {b}, n)).receipt().server_id);
  auto page = this->store().fetch(mailbox(b), ServerId{0}, 4).value();
  ASSERT_EQ(page.size(), 4u);
  EXPECT_EQ(page[3].server_id, ids[3]);
  page = this->store().fetch(mailbox(b), ids[3], 100).value();  // clamped to max_fetch
  ASSERT_EQ(page.size(), 5u);
  EXPECT_EQ(page[0].server_id, ids[4]);
  EXPECT_EQ(page[4].server_id, ids[8]);
  EXPECT_EQ(this->store().fetch(mailbox(b), ids[9], 10).value().size(), 0u);
  EXPECT_EQ(this->store().fetch(mailbox(b), ServerId{0}, 0).value().size(), 0u);
  EXPECT_EQ(this->store().fetch(mailbox(b), ServerId{~0ull}, 10).value().size(), 0u);
}

TYPED_TEST(StoreTest, AnAckDeletesOnlyFromTheAcknowledgingDevicesMailbox) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  const auto id = this->store().commit_send(send_to(a, {b, b2}, 1)).receipt().server_id;
  const auto id2 = this->store().commit_send(send_to(a, {b, b2}, 2)).receipt().server_id;
  // Another account, another device of the same account, or an old incarnation: nothing.
  EXPECT_EQ(this->store().acknowledge(std::vector{MessageAck{mailbox(a), id}}).value(), 0u);
  MailboxAddress stale = mailbox(b2);
  stale.incarnation.value += 100;
  EXPECT_EQ(this->store().acknowledge(std::vector{MessageAck{stale, id}}).value(), 0u);
  EXPECT_EQ(
      this->store().acknowledge(std::vector{MessageAck{mailbox(b), id}, MessageAck{mailbox(b), id2}}).value(),
      2u);
  EXPECT_EQ(this->queued(b), 0u);
  EXPECT_EQ(this->queued(b2), 2u);
  EXPECT_EQ(this->store().acknowledge(std::vector{MessageAck{mailbox(b), id}}).value(), 0u);  // twice
  EXPECT_EQ(this->store().acknowledge({}).value(), 0u);
}

TYPED_TEST(StoreTest, MessagesExpireAfterTheRetentionNotBefore) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  const auto old = this->store().commit_send(send_to(a, {b, b2}, 1)).receipt();
  const auto delivered = this->store().commit_send(send_to(a, {b, b2}, 2)).receipt();
  ASSERT_EQ(this->store()
                .acknowledge(std::vector{MessageAck{mailbox(b), delivered.server_id},
                                         MessageAck{mailbox(b2), delivered.server_id}})
                .value(),
            2u);
  this->clock.advance(this->settings.message_retention_ms);
  const auto fresh = this->store().commit_send(send_to(a, {b, b2}, 3)).receipt();
  EXPECT_EQ(this->store().expire_messages().value(), 0u);  // exactly the retention old: kept
  this->clock.advance(1);
  EXPECT_EQ(this->store().expire_messages().value(), 2u);  // one per device; the acked ones are not counted
  EXPECT_EQ(this->fetch_all(b).size(), 1u);
  EXPECT_EQ(this->fetch_all(b2).front().server_id, fresh.server_id);
  // The expired send's idempotency key went with it.
  const auto resent = this->store().commit_send(send_to(a, {b, b2}, 1));
  ASSERT_TRUE(resent.ok());
  EXPECT_FALSE(resent.receipt().repeated);
  EXPECT_GT(resent.receipt().server_id, old.server_id);
}

// --- Blob store --------------------------------------------------------------------------------

core::Bytes hash_of(const core::Bytes& data) {
  const auto d = crypto::sha256(data);
  return {d.begin(), d.end()};
}

TYPED_TEST(StoreTest, BlobsUploadInChunksAndReadByRange) {
  this->settings.max_blob_read = 300 * 1024;
  const core::Bytes blob = pattern(700 * 1024 + 3, 9);
  const core::Bytes hash = hash_of(blob);
  auto& s = this->store();
  const std::size_t cuts[] = {0, 100'000, 100'001, 600'000, blob.size()};
  for (std::size_t i = 0; i + 1 < std::size(cuts); ++i) {
    const core::Bytes part(blob.begin() + cuts[i], blob.begin() + cuts[i + 1]);
    const auto state = s.put_blob_chunk({hash, cuts[i], blob.size(), part}, kUploader);
    ASSERT_TRUE(state.ok()) << core::to_string(state.error());
    EXPECT_EQ(state->received, cuts[i + 1]);
    EXPECT_EQ(state->complete, i + 2 == std::size(cuts));
    if (i + 2 < std::size(cuts)) {
      EXPECT_EQ(s.read_blob(hash, 0, 10, kUploader).code(), Errc::not_found);
    }
  }
  EXPECT_EQ(s.blob_state(hash, kUploader).value(), (BlobState{blob.size(), blob.size(), true, FakeClock::kStart, kUploader}));
  for (auto [offset, length] : std::vector<std::pair<std::size_t, std::size_t>>{
           {0, 10}, {262'143, 3}, {262'144, 262'144}, {100'000, 500'000}, {blob.size() - 5, 100}}) {
    const auto got = s.read_blob(hash, offset, length, kUploader);
    ASSERT_TRUE(got.ok()) << core::to_string(got.error());
    const std::size_t n = std::min({length, blob.size() - offset, this->settings.max_blob_read});
    EXPECT_EQ(*got, core::Bytes(blob.begin() + offset, blob.begin() + offset + n)) << offset;
  }
  // One read returns at most max_blob_read bytes.
  EXPECT_EQ(s.read_blob(hash, 1, this->settings.max_blob_read, kUploader).value().size(), this->settings.max_blob_read);
  EXPECT_EQ(s.read_blob(hash, 1, this->settings.max_blob_read + 1, kUploader).value().size(),
            this->settings.max_blob_read);
  EXPECT_TRUE(s.read_blob(hash, blob.size(), 10, kUploader).value().empty());
  EXPECT_EQ(s.read_blob(hash, blob.size() + 1, 10, kUploader).code(), Errc::malformed);
  // Uploading a complete blob again stores nothing and succeeds.
  EXPECT_TRUE(s.put_blob_chunk({hash, 0, blob.size(), core::Bytes(blob.begin(), blob.begin() + 10)}, kUploader)
                  .value()
                  .complete);
}

TYPED_TEST(StoreTest, BlobUploadsResumeAndRefuseGaps) {
  const core::Bytes blob = pattern(1000, 3);
  const core::Bytes hash = hash_of(blob);
  auto& s = this->store();
  const auto first = [&](std::size_t from, std::size_t to) {
    return core::Bytes(blob.begin() + from, blob.begin() + to);
  };
  ASSERT_EQ(s.put_blob_chunk({hash, 0, 1000, first(0, 400)}, kUploader).value().received, 400u);
  EXPECT_EQ(s.put_blob_chunk({hash, 0, 1000, first(0, 400)}, kUploader).value().received, 400u);       // a repeat
  EXPECT_EQ(s.put_blob_chunk({hash, 500, 1000, first(500, 600)}, kUploader).code(), Errc::malformed);  // a gap
  EXPECT_EQ(s.put_blob_chunk({hash, 0, 999, first(0, 10)}, kUploader).code(), Errc::malformed);        // another size
  EXPECT_EQ(s.put_blob_chunk({hash, 400, 1000, {}}, kUploader).value().received, 400u);                // where to resume
  EXPECT_EQ(s.put_blob_chunk({hash, 300, 1000, first(300, 700)}, kUploader).value().received, 700u);   // overlaps
  EXPECT_EQ(s.blob_state(hash, kUploader).value().received, 700u);
  EXPECT_TRUE(s.put_blob_chunk({hash, 700, 1000, first(700, 1000)}, kUploader).value().complete);
  EXPECT_EQ(s.read_blob(hash, 0, 1000, kUploader).value(), blob);
}

TYPED_TEST(StoreTest, ABlobWhoseBytesDoNotMatchItsHashIsDiscarded) {
  const core::Bytes blob = pattern(300, 4);
  core::Bytes hash = hash_of(blob);
  hash[0] ^= 1;
  auto& s = this->store();
  EXPECT_EQ(s.put_blob_chunk({hash, 0, 300, blob}, kUploader).code(), Errc::malformed);
  EXPECT_EQ(s.blob_state(hash, kUploader).code(), Errc::not_found);
  hash[0] ^= 1;
  EXPECT_TRUE(s.put_blob_chunk({hash, 0, 300, blob}, kUploader).value().complete);
}

TYPED_TEST(StoreTest, BlobLimitsAndShapes) {
  this->settings.max_blob_size = 2000;
  auto& s = this->store();
  const core::Bytes max = pattern(2000, 5);
  EXPECT_TRUE(s.put_blob_chunk({hash_of(max), 0, 2000, max}, kUploader).value().complete);
  const core::Bytes over = pattern(2001, 5);
  EXPECT_EQ(s.put_blob_chunk({hash_of(over), 0, 2001, over}, kUploader).code(), Errc::message_too_large);
  EXPECT_EQ(s.put_blob_chunk({core::Bytes(31), 0, 10, pattern(10, 1)}, kUploader).code(), Errc::malformed);
  EXPECT_EQ(s.put_blob_chunk({hash_of({}), 0, 0, {}}, kUploader).code(), Errc::malformed);
  EXPECT_EQ(s.put_blob_chunk({hash_of(max), 1990, 2000, pattern(11, 1)}, kUploader).code(), Errc::malformed);
  EXPECT_EQ(s.put_blob_chunk({hash_of(max), ~0ull, 2000, pattern(11, 1)}, kUploader).code(), Errc::malformed);
  EXPECT_EQ(s.blob_state(hash_of(over), kUploader).code(), Errc::not_found);
  EXPECT_EQ(s.read_blob(hash_of(over), 0, 1, kUploader).code(), Errc::not_found);
  EXPECT_EQ(s.read_blob(core::Bytes(3), 0, 1, kUploader).code(), Errc::malformed);
}

TYPED_TEST(StoreTest, BlobsExpire) {
  auto& s = this->store();
  const core::Bytes done = pattern(100, 1), partial = pattern(100, 2);
  ASSERT_TRUE(s.put_blob_chunk({hash_of(done), 0, 100, done}, kUploader).ok());
  ASSERT_TRUE(
      s.put_blob_chunk({hash_of(partial), 0, 100, core::Bytes(partial.begin(), partial.begin() + 50)}, kUploader).ok());
  this->clock.advance(this->settings.blob_upload_timeout_ms);
  EXPECT_EQ(s.expire_blobs().value(), 0u);
  this->clock.advance(1);
  EXPECT_EQ(s.expire_blobs().value(), 1u);
  EXPECT_EQ(s.blob_state(hash_of(partial), kUploader).code(), Errc::not_found);
  this->clock.advance(this->settings.blob_retention_ms - this->settings.blob_upload_timeout_ms - 1);
  EXPECT_EQ(s.expire_blobs().value(), 0u);
  this->clock.advance(1);
  EXPECT_EQ(s.expire_blobs().value(), 1u);
  EXPECT_EQ(s.read_blob(hash_of(done), 0, 1, kUploader).code(), Errc::not_found);
}

// Who may read a blob (spec §7.1): its uploader and the devices a committed send named it to.
TYPED_TEST(StoreTest, ABlobIsReadOnlyByItsUploaderAndTheDevicesASendNamedItTo) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  const auto c = this->new_account();
  auto& s = this->store();
  const core::Bytes blob = pattern(3000, 6);
  const core::Bytes hash = hash_of(blob);
  ASSERT_TRUE(s.put_blob_chunk({hash, 0, 3000, core::Bytes(blob.begin(), blob.begin() + 1000)}, mailbox(a)).ok());
  // An upload in progress is its uploader's alone: another device (which knows the hash) can
  // neither see it, nor read it, nor add to it.
  EXPECT_EQ(s.blob_state(hash, mailbox(c)).code(), Errc::not_found);
  EXPECT_EQ(s.put_blob_chunk({hash, 1000, 3000, core::Bytes(blob.begin() + 1000, blob.end())}, mailbox(c)).code(),
            Errc::conflict);
  // Naming an incomplete blob is not_found, and queues nothing.
  auto send = send_to(a, {b, b2}, 1);
  send.blob_refs = {hash};
  EXPECT_EQ(s.commit_send(send).code(), Errc::not_found);
  EXPECT_TRUE(this->fetch_all(b).empty());
  ASSERT_TRUE(s.put_blob_chunk({hash, 1000, 3000, core::Bytes(blob.begin() + 1000, blob.end())}, mailbox(a))
                  .value()
                  .complete);
  EXPECT_EQ(s.read_blob(hash, 0, 3000, mailbox(a)).value(), blob);
  EXPECT_EQ(s.read_blob(hash, 0, 3000, mailbox(b)).code(), Errc::not_found);  // not sent yet
  // A complete blob is no one else's either: uploading it again does not make it theirs.
  EXPECT_EQ(s.put_blob_chunk({hash, 0, 3000, blob}, mailbox(c)).code(), Errc::conflict);
  EXPECT_EQ(s.read_blob(hash, 0, 10, mailbox(c)).code(), Errc::not_found);
  // A device that does not hold the blob cannot hand it out by naming it.
  auto stolen = send_to(c, {b, b2}, 1);
  stolen.blob_refs = {hash};
  EXPECT_EQ(s.commit_send(stolen).code(), Errc::not_found);
  EXPECT_EQ(s.read_blob(hash, 0, 10, mailbox(b)).code(), Errc::not_found);
  // The uploader's send names it: every destination device may read it, nobody else.
  ASSERT_TRUE(s.commit_send(send).ok());
  for (const auto& d : {b, b2}) {
    EXPECT_EQ(s.read_blob(hash, 0, 3000, mailbox(d)).value(), blob);
    EXPECT_TRUE(s.blob_state(hash, mailbox(d)).value().complete);
  }
  EXPECT_EQ(s.blob_state(hash, mailbox(c)).code(), Errc::not_found);
  EXPECT_EQ(s.read_blob(hash, 0, 10, mailbox(c)).code(), Errc::not_found);
  // Forwarding: a device that was sent the blob may name it again, and its recipient may read it.
  auto forward = send_to(b, {c}, 1);
  forward.blob_refs = {hash};
  ASSERT_TRUE(s.commit_send(forward).ok());
  EXPECT_EQ(s.read_blob(hash, 2990, 10, mailbox(c)).value(), core::Bytes(blob.end() - 10, blob.end()));
  // A device id linked again is another device: the old incarnation's grant is not its.
  ASSERT_TRUE(s.remove_device(b.account, b2.device).ok());
  const auto b2_again = this->link(b.account);
  ASSERT_EQ(b2_again.device, b2.device);
  EXPECT_EQ(s.read_blob(hash, 0, 10, mailbox(b2_again)).code(), Errc::not_found);
}

TYPED_TEST(StoreTest, ASendNamesAtMostMaxBlobsPerSendWellFormedReferences) {
  this->settings.max_blobs_per_send = 3;
  const auto a = this->new_account();
  const auto b = this->new_account();
  auto& s = this->store();
  std::vector<core::Bytes> hashes;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const core::Bytes blob = pattern(100, 20 + i);
    hashes.push_back(hash_of(blob));
    ASSERT_TRUE(s.put_blob_chunk({hashes.back(), 0, 100, blob}, mailbox(a)).ok());
  }
  auto over = send_to(a, {b}, 1);
  over.blob_refs = hashes;
  EXPECT_EQ(s.commit_send(over).code(), Errc::limit_exceeded);
  auto wrong = send_to(a, {b}, 1);
  wrong.blob_refs = {core::Bytes(31, 1)};
  EXPECT_EQ(s.commit_send(wrong).code(), Errc::malformed);
  auto at = send_to(a, {b}, 1);
  at.blob_refs = {hashes[0], hashes[1], hashes[2]};
  ASSERT_TRUE(s.commit_send(at).ok());
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_EQ(s.blob_state(hashes[i], mailbox(b)).ok(), i < 3) << i;
}

// Deletion after delivery (spec §7.1): once every device a blob was sent to said it fetched it.
TYPED_TEST(StoreTest, ABlobIsDeletedOnceEveryDeviceItWasSentToFetchedIt) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  auto& s = this->store();
  const core::Bytes blob = pattern(500, 7);
  const core::Bytes hash = hash_of(blob);
  ASSERT_TRUE(s.put_blob_chunk({hash, 0, 500, blob}, mailbox(a)).ok());
  // Before any send, no device waits for it: nothing deletes it but expiry.
  EXPECT_EQ(s.blob_fetched(hash, mailbox(a)).code(), Errc::not_found);  // the uploader holds no grant
  auto send = send_to(a, {b, b2}, 1);
  send.blob_refs = {hash};
  ASSERT_TRUE(s.commit_send(send).ok());
  EXPECT_FALSE(s.blob_fetched(hash, mailbox(b)).value());
  EXPECT_FALSE(s.blob_fetched(hash, mailbox(b)).value());  // saying it twice changes nothing
  EXPECT_EQ(s.read_blob(hash, 0, 500, mailbox(b2)).value(), blob);
  EXPECT_TRUE(s.blob_fetched(hash, mailbox(b2)).value());
  for (const auto& d : {a, b, b2}) EXPECT_EQ(s.blob_state(hash, mailbox(d)).code(), Errc::not_found);
  EXPECT_EQ(s.blob_fetched(hash, mailbox(b)).code(), Errc::not_found);
  // A forward after deletion uploads again (the same bytes: the media key fixes the ciphertext),
  // and the forward's send names it as before.
  auto forward = send_to(b, {a}, 2);
  forward.blob_refs = {hash};
  EXPECT_EQ(s.commit_send(forward).code(), Errc::not_found);
  ASSERT_TRUE(s.put_blob_chunk({hash, 0, 500, blob}, mailbox(b)).value().complete);
  ASSERT_TRUE(s.commit_send(forward).ok());
  EXPECT_EQ(s.read_blob(hash, 0, 500, mailbox(a)).value(), blob);
}

TYPED_TEST(StoreTest, TheBlobQuotaAtNAndNPlusOne) {
  this->settings.max_blob_bytes_per_account = 1000;
  const auto a = this->new_account();
  const auto a2 = this->link(a.account);
  const auto b = this->new_account();
  auto& s = this->store();
  const core::Bytes big = pattern(600, 1), rest = pattern(400, 2), one = pattern(1, 3);
  // An upload counts from its first chunk, complete or not, for every device of the account.
  ASSERT_TRUE(s.put_blob_chunk({hash_of(big), 0, 600, core::Bytes(big.begin(), big.begin() + 10)}, mailbox(a)).ok());
  ASSERT_TRUE(s.put_blob_chunk({hash_of(rest), 0, 400, rest}, mailbox(a2)).ok());  // exactly the quota
  EXPECT_EQ(s.put_blob_chunk({hash_of(one), 0, 1, one}, mailbox(a)).code(), Errc::quota_exceeded);
  EXPECT_EQ(s.put_blob_chunk({hash_of(one), 0, 1, one}, mailbox(a2)).code(), Errc::quota_exceeded);
  EXPECT_EQ(s.blob_state(hash_of(one), mailbox(a)).code(), Errc::not_found);  // nothing stored
  // The upload in progress goes on: its bytes were counted when it started.
  EXPECT_TRUE(s.put_blob_chunk({hash_of(big), 10, 600, core::Bytes(big.begin() + 10, big.end())}, mailbox(a))
                  .value()
                  .complete);
  // Another account has its own quota.
  EXPECT_TRUE(s.put_blob_chunk({hash_of(one), 0, 1, one}, mailbox(b)).ok());
  // A deleted blob frees its share.
  auto from_a2 = send_to(a2, {b}, 1);
  from_a2.blob_refs = {hash_of(rest)};
  ASSERT_TRUE(s.commit_send(from_a2).ok());
  ASSERT_TRUE(s.blob_fetched(hash_of(rest), mailbox(b)).value());
  const core::Bytes fits = pattern(400, 4);
  EXPECT_TRUE(s.put_blob_chunk({hash_of(fits), 0, 400, fits}, mailbox(a)).value().complete);
}

// --- Reopening ---------------------------------------------------------------------------------

TYPED_TEST(StoreTest, EverythingCommittedSurvivesReopening) {
  const auto a = this->new_account();
  const auto b = this->new_account();
  const auto b2 = this->link(b.account);
  ASSERT_TRUE(this->store().put_device_list(b.account, {3, pattern(20, 1)}).ok());
  ASSERT_TRUE(
      this->store().upload_prekeys(b.account, b.device, {signed_prekey(1), {one_time_prekey(5)}}).ok());
  const auto sent = this->store().commit_send(send_to(a, {b, b2}, 1)).receipt();
  const core::Bytes blob = pattern(500, 1);
  ASSERT_TRUE(this->store()
                  .put_blob_chunk({hash_of(blob), 0, 500, core::Bytes(blob.begin(), blob.begin() + 200)}, kUploader)
                  .ok());

  this->reopen();
  auto& s = this->store();
  EXPECT_EQ(s.devices(b.account).value(), (std::vector{b, b2}));
  EXPECT_EQ(s.device_by_noise_key(a.keys.noise_static_key).value(), a);
  EXPECT_EQ(s.device_list(b.account).value().version, 3u);
  const auto got = this->fetch_all(b2);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].server_id, sent.server_id);
  EXPECT_TRUE(s.commit_send(send_to(a, {b, b2}, 1)).receipt().repeated);  // idempotency keys too
  EXPECT_GT(s.commit_send(send_to(a, {b, b2}, 2)).receipt().server_id, sent.server_id);  // ids go on
  EXPECT_EQ(s.blob_state(hash_of(blob), kUploader).value().received, 200u);
  ASSERT_TRUE(s.put_blob_chunk({hash_of(blob), 200, 500, core::Bytes(blob.begin() + 200, blob.end())}, kUploader).ok());
  EXPECT_EQ(s.read_blob(hash_of(blob), 0, 500, kUploader).value(), blob);
  const auto bundle = s.fetch_prekey_bundles(b.account).value().at(0);
  EXPECT_EQ(bundle.one_time_prekey, one_time_prekey(5));
  EXPECT_EQ(bundle.signed_prekey, signed_prekey(1));
  // And account ids go on after the highest committed one.
  EXPECT_GT(this->new_account().account, b.account);
}

}  // namespace
}  // namespace parley::server
