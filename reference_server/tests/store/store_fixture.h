// Shared by the store tests: temporary directories, a fake clock, the two engines behind one
// interface (so the semantics suite is typed over them), and builders for keys and sends.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/protocol/groups/membership_log.h"
#include "parley/server/store/memory_backend.h"
#include "parley/server/store/sqlite_backend.h"
#include "parley/server/store/store.h"

namespace parley::server::testing {

inline core::Bytes pattern(std::size_t size, std::uint32_t seed) {
  core::Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed * 131 + i * 31 + (i >> 8));
  return b;
}

// A directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/parley-store-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeClock {
 public:
  static constexpr TimestampMs kStart = 1'700'000'000'000;
  Clock clock() const {
    return [now = now_] { return now->load(); };
  }
  TimestampMs now() const { return now_->load(); }
  void advance(TimestampMs ms) { *now_ += ms; }

 private:
  std::shared_ptr<std::atomic<TimestampMs>> now_ = std::make_shared<std::atomic<TimestampMs>>(kStart);
};

// Each engine opens Stores (connections) over one database that lives as long as the engine.
struct MemoryEngine {
  std::shared_ptr<MemoryDatabase> database = make_memory_database();
  Store open(const StoreSettings& settings, Clock clock) {
    return make_memory_store(settings, std::move(clock), database);
  }
};

struct SqliteEngine {
  TempDir dir;
  std::filesystem::path file() const { return dir.path() / "store.db"; }
  Store open(const StoreSettings& settings, Clock clock) {
    auto store = open_sqlite_store(file(), settings, std::move(clock));
    if (!store.ok()) {
      ADD_FAILURE() << core::to_string(store.error());
      std::abort();
    }
    return std::move(store).value();
  }
};

// Keys unique per n: the Noise static key starts with n.
inline DeviceKeys device_keys(std::uint32_t n) {
  DeviceKeys keys{core::concat(core::Bytes{0x05}, pattern(32, n)), pattern(32, n), 1000 + n};
  for (int i = 0; i < 4; ++i) keys.noise_static_key[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return keys;
}

inline OneTimePreKey one_time_prekey(std::uint32_t id, std::uint32_t seed = 0) {
  return {PreKeyId{id}, core::concat(core::Bytes{0x05}, pattern(32, id + seed))};
}

inline SignedPreKey signed_prekey(std::uint32_t id) {
  return {PreKeyId{id}, core::concat(core::Bytes{0x05}, pattern(32, id + 7)), pattern(64, id)};
}

// The ciphertext a test sends to `device` in message `n`: distinct per device and message.
inline core::Bytes ciphertext_for(DeviceId device, std::uint64_t n, std::size_t size = 40) {
  return pattern(size, static_cast<std::uint32_t>(n * 7 + device.value));
}

// A send from `from` to every device in `to` (their current incarnations).
inline Send send_to(const DeviceRecord& from, const std::vector<DeviceRecord>& to, std::uint64_t client_id,
                    std::size_t size = 40) {
  Send send{from.account,
            from.device,
            ClientMessageId{client_id},
            to.empty() ? AccountId{} : to.front().account,
            {}};
  for (const auto& d : to)
    send.ciphertexts.push_back({d.device, d.incarnation, ciphertext_for(d.device, client_id, size)});
  return send;
}

inline MailboxAddress mailbox(const DeviceRecord& d) { return {d.account, d.device, d.incarnation}; }

// The device blob tests upload as when who uploads does not matter (the store does not check that
// the device exists: the router lets only logged-in devices send blob frames).
inline const MailboxAddress kUploader{AccountId{900}, DeviceId{1}, Incarnation{900}};

// A membership entry (spec §11.2) of `group` by `author`: the next after `log` (the creation for an
// empty one) or, with `skew`, one version further; key and randomness from `seed`, so that two
// engines are given the same bytes. A companion's entry carries a signed device identity with zero
// signatures: the server reads it but does not check it (the clients do).
inline core::Bytes group_entry(core::BytesView group, const std::vector<core::Bytes>& log, const MailboxAddress& author,
                               std::uint64_t seed, std::string subject, bool skew = false) {
  namespace groups = protocol::groups;
  crypto::StreamEntropy entropy(seed);
  const auto key = crypto::generate_x25519_key_pair(entropy).value();
  groups::GroupMembership before;
  std::copy(group.begin(), group.end(), before.group.begin());
  before.version = log.size() + (skew ? 1 : 0);
  if (!log.empty()) before.head = crypto::sha256(log.back());
  const auto change = before.version == 0 ? groups::MembershipChange::create : groups::MembershipChange::subject;
  const auto e = groups::next_membership_entry(before, change, author.account.value, author.device.value, key.public_key,
                                               {}, std::move(subject), seed);
  std::optional<protocol::devices::SignedDeviceIdentity> identity;
  if (author.device.value != 1)
    identity = protocol::devices::SignedDeviceIdentity{{author.account.value, author.device.value, 1, 0}, {}, {}};
  return groups::sign_membership_entry(e, key, identity, entropy).value();
}

// A store over one engine for the typed suites (store_semantics_test.cpp, store_groups_test.cpp):
// accounts and linked devices made through the store itself, settings a test may change before
// its first store() call.
template <typename Engine>
class StoreTest : public ::testing::Test {
 protected:
  Store& store() {
    if (!store_) store_.emplace(engine.open(settings, clock.clock()));
    return *store_;
  }
  // Another connection to the same database.
  Store connect() { return engine.open(settings, clock.clock()); }
  // Closes and opens the database again (with the current settings).
  void reopen() {
    store_.reset();
    store();
  }

  DeviceRecord new_account() {
    auto r = store().create_account(device_keys(next_key_++));
    EXPECT_TRUE(r.ok()) << core::to_string(r.error());
    return r.value();
  }
  // A companion linked, then named by its primary's next list (spec §7.1: only a listed device is
  // written to).
  DeviceRecord link(AccountId account) {
    auto r = store().link_device(account, device_keys(next_key_++));
    EXPECT_TRUE(r.ok()) << core::to_string(r.error());
    list_all(account);
    auto record = r.value();
    record.listed = true;
    return record;
  }
  // A list naming every device the account has.
  void list_all(AccountId account) {
    std::vector<DeviceId> ids;
    const auto devices = store().devices(account).value();
    for (const auto& d : devices) ids.push_back(d.device);
    const auto current = store().device_list(account);
    const std::uint64_t version = current.ok() ? current->version + 1 : 1;
    EXPECT_TRUE(store().put_device_list(account, {version, pattern(10, static_cast<std::uint8_t>(version)), ids}).ok());
  }
  std::vector<QueuedMessage> fetch_all(const DeviceRecord& d) {
    auto r = store().fetch(mailbox(d), ServerId{0}, settings.max_fetch);
    EXPECT_TRUE(r.ok()) << core::to_string(r.error());
    return r.ok() ? r.value() : std::vector<QueuedMessage>{};
  }
  std::size_t queued(const DeviceRecord& d) { return store().queue_usage(mailbox(d)).value().messages; }

  Engine engine;
  FakeClock clock;
  StoreSettings settings;
  std::uint32_t next_key_ = 1;

 private:
  std::optional<Store> store_;
};

}  // namespace parley::server::testing
