// The in-memory engine: ordered maps that mirror the SQLite tables, and an undo log that makes a
// transaction's writes revocable, so that rollback means the same as in SQLite.
#include "parley/server/store/memory_backend.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

#include "parley/server/store/store.h"
#include "store_internal.h"

namespace parley::server {

using DeviceKey = std::pair<AccountId, DeviceId>;
// A fixed-size key (Store checks the size before any call): GCC 12 warns falsely about
// std::less<std::vector<uint8_t>> at -O3 (stringop-overread).
using NoiseKey = std::array<std::uint8_t, kNoiseStaticKeySize>;

NoiseKey noise_key(core::BytesView bytes) {
  NoiseKey key{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), key.size()), key.begin());
  return key;
}
using MessageKey = std::pair<MailboxAddress, ServerId>;

struct StoredMessage {
  TimestampMs timestamp_ms = 0;
  SendKey sender;
  core::Bytes ciphertext;
};

struct StoredSend {
  ServerId id;
  TimestampMs timestamp_ms = 0;
};

struct AccountRow {
  TimestampMs created_ms = 0;
  std::optional<SignedDeviceList> device_list;
};

class MemoryDatabase {
 public:
  std::mutex mutex;
  std::uint64_t last_account = 0;
  std::uint64_t last_incarnation = 0;
  std::uint64_t last_server_id = 0;
  std::map<AccountId, AccountRow> accounts;
  std::map<DeviceKey, DeviceRecord> devices;
  std::map<NoiseKey, DeviceKey> noise_keys;
  std::map<DeviceKey, SignedPreKey> signed_prekeys;
  std::map<std::pair<DeviceKey, PreKeyId>, core::Bytes> one_time_prekeys;
  std::map<SendKey, StoredSend> sends;
  std::map<MessageKey, StoredMessage> messages;
  std::map<BlobHash, BlobState> blobs;
  std::map<std::pair<BlobHash, std::uint64_t>, core::Bytes> blob_pieces;
  std::map<std::pair<BlobHash, MailboxAddress>, bool> blob_grants;  // fetched?
  std::map<std::pair<core::Bytes, std::uint64_t>, core::Bytes> group_entries;  // (group, version)
};

namespace {

class MemoryBackend final : public StorageBackend {
 public:
  explicit MemoryBackend(std::shared_ptr<MemoryDatabase> db) : db_(std::move(db)) {}
  ~MemoryBackend() override { rollback(); }

  Result<void> begin(Access) override {
    if (lock_.owns_lock()) return storage_failure("a transaction is already open");
    lock_ = std::unique_lock(db_->mutex);
    return {};
  }
  Result<void> commit() override {
    undo_.clear();
    if (lock_.owns_lock()) lock_.unlock();
    return {};
  }
  void rollback() noexcept override {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    undo_.clear();
    if (lock_.owns_lock()) lock_.unlock();
  }

  Result<AccountId> insert_account(TimestampMs now) override {
    const AccountId id{next(db_->last_account)};
    set(db_->accounts, id, AccountRow{now, std::nullopt});
    return id;
  }
  Result<bool> account_exists(AccountId account) override { return db_->accounts.count(account) > 0; }
  Result<Incarnation> allocate_incarnation() override { return Incarnation{next(db_->last_incarnation)}; }
  Result<void> insert_device(const DeviceRecord& device) override {
    if (db_->noise_keys.count(noise_key(device.keys.noise_static_key)))
      return storage_failure("UNIQUE constraint: noise key");
    set(db_->devices, DeviceKey{device.account, device.device}, device);
    set(db_->noise_keys, noise_key(device.keys.noise_static_key), DeviceKey{device.account, device.device});
    return {};
  }
  Result<void> delete_device(AccountId account, DeviceId device) override {
    const DeviceKey key{account, device};
    auto found = db_->devices.find(key);
    if (found == db_->devices.end()) return {};
    erase(db_->noise_keys, noise_key(found->second.keys.noise_static_key));
    erase(db_->devices, key);
    erase(db_->signed_prekeys, key);
    erase_if(db_->one_time_prekeys, [&](const auto& e) { return e.first.first == key; });
    erase_if(db_->messages, [&](const auto& e) {
      return e.first.first.account == account && e.first.first.device == device;
    });
    erase_if(db_->sends, [&](const auto& e) {
      return e.first.sender_account == account && e.first.sender_device == device;
    });
    return {};
  }
  Result<std::vector<DeviceRecord>> devices(AccountId account) override {
    std::vector<DeviceRecord> out;
    for (auto it = db_->devices.lower_bound({account, DeviceId{0}});
         it != db_->devices.end() && it->first.first == account; ++it)
      out.push_back(it->second);
    return out;
  }
  Result<std::optional<DeviceRecord>> device(AccountId account, DeviceId device) override {
    return find(db_->devices, DeviceKey{account, device});
  }
  Result<std::optional<DeviceRecord>> device_by_noise_key(core::BytesView noise_static_key) override {
    auto it = db_->noise_keys.find(noise_key(noise_static_key));
    if (it == db_->noise_keys.end()) return std::optional<DeviceRecord>{};
    return find(db_->devices, it->second);
  }
  Result<std::optional<SignedDeviceList>> device_list(AccountId account) override {
    auto it = db_->accounts.find(account);
    if (it == db_->accounts.end()) return std::optional<SignedDeviceList>{};
    return it->second.device_list;
  }
  Result<void> put_device_list(AccountId account, const SignedDeviceList& list) override {
    auto it = db_->accounts.find(account);
    if (it == db_->accounts.end()) return storage_failure("no such account row");
    AccountRow row = it->second;
    row.device_list = SignedDeviceList{list.version, list.signed_list, std::nullopt};
    set(db_->accounts, account, std::move(row));
    if (!list.devices) return {};
    for (auto& [key, record] : db_->devices) {
      if (key.first != account) continue;
      const bool listed = std::find(list.devices->begin(), list.devices->end(), record.device) != list.devices->end();
      if (record.listed == listed) continue;
      DeviceRecord changed = record;
      changed.listed = listed;
      set(db_->devices, key, std::move(changed));
    }
    return {};
  }

  Result<std::optional<SignedPreKey>> signed_prekey(AccountId account, DeviceId device) override {
    return find(db_->signed_prekeys, DeviceKey{account, device});
  }
  Result<void> put_signed_prekey(AccountId account, DeviceId device, const SignedPreKey& key) override {
    set(db_->signed_prekeys, DeviceKey{account, device}, key);
    return {};
  }
  Result<bool> has_one_time_prekey(AccountId account, DeviceId device, PreKeyId id) override {
    return db_->one_time_prekeys.count({{account, device}, id}) > 0;
  }
  Result<void> put_one_time_prekey(AccountId account, DeviceId device, const OneTimePreKey& key) override {
    set(db_->one_time_prekeys, std::pair{DeviceKey{account, device}, key.id}, key.public_key);
    return {};
  }
  Result<std::optional<OneTimePreKey>> take_one_time_prekey(AccountId account, DeviceId device) override {
    const DeviceKey owner{account, device};
    auto it = db_->one_time_prekeys.lower_bound({owner, PreKeyId{0}});
    if (it == db_->one_time_prekeys.end() || it->first.first != owner) return std::optional<OneTimePreKey>{};
    OneTimePreKey key{it->first.second, it->second};
    erase(db_->one_time_prekeys, it->first);
    return std::optional(std::move(key));
  }
  Result<std::size_t> one_time_prekey_count(AccountId account, DeviceId device) override {
    const DeviceKey owner{account, device};
    std::size_t n = 0;
    for (auto it = db_->one_time_prekeys.lower_bound({owner, PreKeyId{0}});
         it != db_->one_time_prekeys.end() && it->first.first == owner; ++it)
      ++n;
    return n;
  }

  Result<std::optional<SendReceipt>> find_send(const SendKey& key) override {
    auto it = db_->sends.find(key);
    if (it == db_->sends.end()) return std::optional<SendReceipt>{};
    return std::optional(SendReceipt{it->second.id, it->second.timestamp_ms, false});
  }
  Result<ServerId> insert_send(const SendKey& key, TimestampMs timestamp_ms) override {
    const ServerId id{next(db_->last_server_id)};
    set(db_->sends, key, StoredSend{id, timestamp_ms});
    return id;
  }
  Result<QueueUsage> queue_usage(const MailboxAddress& mailbox) override {
    QueueUsage usage;
    for (auto it = db_->messages.lower_bound({mailbox, ServerId{0}});
         it != db_->messages.end() && it->first.first == mailbox; ++it) {
      usage.messages++;
      usage.bytes += it->second.ciphertext.size();
    }
    return usage;
  }
  Result<void> enqueue(const MailboxAddress& mailbox, ServerId id, TimestampMs timestamp_ms,
                       const SendKey& sender, core::BytesView ciphertext) override {
    set(db_->messages, MessageKey{mailbox, id},
        StoredMessage{timestamp_ms, sender, core::to_bytes(ciphertext)});
    return {};
  }
  Result<std::vector<QueuedMessage>> fetch(const MailboxAddress& mailbox, ServerId after,
                                           std::size_t limit) override {
    std::vector<QueuedMessage> out;
    for (auto it = db_->messages.upper_bound({mailbox, after});
         it != db_->messages.end() && it->first.first == mailbox && out.size() < limit; ++it) {
      const auto& m = it->second;
      out.push_back(
          {it->first.second, m.timestamp_ms, m.sender.sender_account, m.sender.sender_device, m.ciphertext});
    }
    return out;
  }
  Result<bool> delete_message(const MailboxAddress& mailbox, ServerId id) override {
    return erase(db_->messages, MessageKey{mailbox, id});
  }
  Result<std::size_t> expire_messages(TimestampMs cutoff) override {
    erase_if(db_->sends, [&](const auto& e) { return e.second.timestamp_ms < cutoff; });
    return erase_if(db_->messages, [&](const auto& e) { return e.second.timestamp_ms < cutoff; });
  }

  Result<std::optional<BlobState>> blob(const BlobHash& hash) override { return find(db_->blobs, hash); }
  Result<void> put_blob(const BlobHash& hash, const BlobState& state) override {
    set(db_->blobs, hash, state);
    return {};
  }
  Result<void> insert_blob_piece(const BlobHash& hash, std::uint64_t offset, core::BytesView data) override {
    set(db_->blob_pieces, std::pair{hash, offset}, core::to_bytes(data));
    return {};
  }
  Result<std::vector<BlobPiece>> blob_pieces(const BlobHash& hash, std::uint64_t min_offset,
                                             std::uint64_t end) override {
    std::vector<BlobPiece> out;
    for (auto it = db_->blob_pieces.lower_bound({hash, min_offset});
         it != db_->blob_pieces.end() && it->first.first == hash && it->first.second < end; ++it)
      out.push_back({it->first.second, it->second});
    return out;
  }
  Result<void> delete_blob(const BlobHash& hash) override {
    erase(db_->blobs, hash);
    erase_if(db_->blob_pieces, [&](const auto& e) { return e.first.first == hash; });
    erase_if(db_->blob_grants, [&](const auto& e) { return e.first.first == hash; });
    return {};
  }
  Result<std::size_t> expire_blobs(TimestampMs complete_cutoff, TimestampMs incomplete_cutoff) override {
    std::vector<BlobHash> old;
    for (const auto& [hash, state] : db_->blobs)
      if (state.created_ms < (state.complete ? complete_cutoff : incomplete_cutoff)) old.push_back(hash);
    for (const auto& hash : old) PARLEY_CHECK(delete_blob(hash));
    return old.size();
  }
  Result<std::uint64_t> account_blob_bytes(AccountId account) override {
    std::uint64_t total = 0;
    for (const auto& [hash, state] : db_->blobs)
      if (state.uploader.account == account) total += state.total_size;
    return total;
  }
  Result<void> grant_blob(const BlobHash& hash, const MailboxAddress& device) override {
    if (!db_->blob_grants.count({hash, device})) set(db_->blob_grants, std::pair{hash, device}, false);
    return {};
  }
  Result<std::optional<bool>> blob_grant(const BlobHash& hash, const MailboxAddress& device) override {
    return find(db_->blob_grants, std::pair{hash, device});
  }
  Result<void> set_blob_fetched(const BlobHash& hash, const MailboxAddress& device) override {
    set(db_->blob_grants, std::pair{hash, device}, true);
    return {};
  }
  Result<std::size_t> unfetched_blob_grants(const BlobHash& hash) override {
    std::size_t waiting = 0;
    for (auto it = db_->blob_grants.lower_bound({hash, MailboxAddress{}});
         it != db_->blob_grants.end() && it->first.first == hash; ++it)
      waiting += it->second ? 0 : 1;
    return waiting;
  }
  Result<std::uint64_t> group_log_length(core::BytesView group) override {
    const core::Bytes key(group.begin(), group.end());
    auto it = db_->group_entries.lower_bound({key, ~std::uint64_t{0}});
    if (it == db_->group_entries.begin()) return std::uint64_t{0};
    --it;
    return it->first.first == key ? it->first.second : 0;
  }
  Result<std::optional<core::Bytes>> group_entry(core::BytesView group, std::uint64_t version) override {
    return find(db_->group_entries, std::pair{core::Bytes(group.begin(), group.end()), version});
  }
  Result<void> insert_group_entry(core::BytesView group, std::uint64_t version, core::BytesView entry) override {
    set(db_->group_entries, std::pair{core::Bytes(group.begin(), group.end()), version},
        core::Bytes(entry.begin(), entry.end()));
    return {};
  }
  Result<std::vector<core::Bytes>> group_entries(core::BytesView group, std::uint64_t from, std::size_t limit) override {
    const core::Bytes key(group.begin(), group.end());
    std::vector<core::Bytes> out;
    for (auto it = db_->group_entries.lower_bound({key, from});
         it != db_->group_entries.end() && it->first.first == key && out.size() < limit; ++it)
      out.push_back(it->second);
    return out;
  }

 private:
  // Every write goes through set() or erase(), which log how to undo it.
  template <typename Map, typename Key, typename Value>
  void set(Map& map, const Key& key, Value&& value) {
    auto it = map.find(key);
    if (it == map.end()) {
      map.emplace(key, std::forward<Value>(value));
      undo_.push_back([&map, key] { map.erase(key); });
    } else {
      undo_.push_back(
          [&map, key, old = std::move(it->second)]() mutable { map.insert_or_assign(key, std::move(old)); });
      it->second = std::forward<Value>(value);
    }
  }
  template <typename Map, typename Key>
  bool erase(Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return false;
    undo_.push_back([&map, entry = std::move(*it)]() mutable { map.insert(std::move(entry)); });
    map.erase(it);
    return true;
  }
  template <typename Map, typename Pred>
  std::size_t erase_if(Map& map, Pred pred) {
    std::vector<typename Map::key_type> keys;
    for (const auto& entry : map)
      if (pred(entry)) keys.push_back(entry.first);
    for (const auto& key : keys) erase(map, key);
    return keys.size();
  }
  template <typename Map, typename Key>
  static std::optional<typename Map::mapped_type> find(const Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }
  std::uint64_t next(std::uint64_t& counter) {
    const std::uint64_t value = ++counter;
    undo_.push_back([&counter] { --counter; });
    return value;
  }

  std::shared_ptr<MemoryDatabase> db_;
  std::unique_lock<std::mutex> lock_;
  std::vector<std::function<void()>> undo_;
};

}  // namespace

std::shared_ptr<MemoryDatabase> make_memory_database() { return std::make_shared<MemoryDatabase>(); }

std::unique_ptr<StorageBackend> make_memory_backend(std::shared_ptr<MemoryDatabase> database) {
  return std::make_unique<MemoryBackend>(std::move(database));
}

Store make_memory_store(StoreSettings settings, Clock clock, std::shared_ptr<MemoryDatabase> database) {
  return Store(make_memory_backend(std::move(database)), settings, std::move(clock));
}

}  // namespace parley::server
