// The Store: device registry and key directory (spec §7.1). Mailboxes are in store_mailboxes.cpp,
// blobs in store_blobs.cpp.
#include "parley/server/store/store.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "store_internal.h"

namespace parley::server {

using core::Errc;
using core::make_error;
using Access = StorageBackend::Access;

namespace {

// The type byte of a serialized X25519 public key (spec §3.1).
constexpr std::uint8_t kDjbKeyType = 0x05;

Result<void> check_public_key(core::BytesView key, const char* what) {
  if (key.size() != kPreKeyPublicSize) return make_error(Errc::malformed, std::string(what) + ": wrong size");
  if (key[0] != kDjbKeyType) return make_error(Errc::bad_key, std::string(what) + ": wrong type byte");
  return {};
}

Result<void> check_device_keys(const DeviceKeys& keys) {
  PARLEY_CHECK(check_public_key(keys.identity_key, "identity key"));
  if (keys.noise_static_key.size() != kNoiseStaticKeySize)
    return make_error(Errc::malformed, "Noise static key: wrong size");
  return {};
}

Result<void> check_upload(const PreKeyUpload& upload, const StoreSettings& settings) {
  if (upload.one_time_prekeys.size() > settings.max_one_time_prekeys_per_upload)
    return make_error(Errc::limit_exceeded, "too many one-time prekeys in one upload");
  if (upload.signed_prekey) {
    PARLEY_CHECK(check_public_key(upload.signed_prekey->public_key, "signed prekey"));
    if (upload.signed_prekey->signature.size() != kSignatureSize)
      return make_error(Errc::malformed, "signed prekey signature: wrong size");
  }
  std::set<PreKeyId> ids;
  for (const auto& key : upload.one_time_prekeys) {
    PARLEY_CHECK(check_public_key(key.public_key, "one-time prekey"));
    if (!ids.insert(key.id).second) return make_error(Errc::malformed, "a one-time prekey id appears twice");
  }
  return {};
}

}  // namespace

Clock system_clock() {
  return [] {
    using namespace std::chrono;
    return static_cast<TimestampMs>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  };
}

Store::Store(std::unique_ptr<StorageBackend> backend, StoreSettings settings, Clock clock)
    : backend_(std::move(backend)), settings_(settings), clock_(std::move(clock)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

// --- Device registry ---------------------------------------------------------------------------

Result<DeviceRecord> Store::create_account(const DeviceKeys& primary) {
  PARLEY_CHECK(check_device_keys(primary));
  return transaction(Access::write, [&]() -> Result<DeviceRecord> {
    PARLEY_TRY(auto holder, backend_->device_by_noise_key(primary.noise_static_key));
    if (holder) return make_error(Errc::conflict, "the Noise static key belongs to another device");
    const TimestampMs now = clock_();
    PARLEY_TRY(AccountId account, backend_->insert_account(now));
    PARLEY_TRY(Incarnation incarnation, backend_->allocate_incarnation());
    DeviceRecord record{account, kPrimaryDeviceId, incarnation, primary, now};
    PARLEY_CHECK(backend_->insert_device(record));
    return record;
  });
}

Result<DeviceRecord> Store::link_device(AccountId account, const DeviceKeys& keys) {
  PARLEY_CHECK(check_device_keys(keys));
  return transaction(Access::write, [&]() -> Result<DeviceRecord> {
    PARLEY_TRY(bool exists, backend_->account_exists(account));
    if (!exists) return make_error(Errc::not_found, "no such account");
    PARLEY_TRY(auto holder, backend_->device_by_noise_key(keys.noise_static_key));
    if (holder) return make_error(Errc::conflict, "the Noise static key belongs to another device");
    PARLEY_TRY(auto linked, backend_->devices(account));
    if (linked.size() >= settings_.max_devices_per_account)
      return make_error(Errc::limit_exceeded, "the account has its maximum number of devices");
    // The lowest free id: the list is sorted, so the first gap (or the end) is it.
    DeviceId id = kPrimaryDeviceId;
    for (const auto& d : linked) {
      if (d.device != id) break;
      id.value++;
    }
    PARLEY_TRY(Incarnation incarnation, backend_->allocate_incarnation());
    DeviceRecord record{account, id, incarnation, keys, clock_(), false};  // listed by its primary's next list
    PARLEY_CHECK(backend_->insert_device(record));
    return record;
  });
}

Result<void> Store::remove_device(AccountId account, DeviceId device) {
  return transaction(Access::write, [&]() -> Result<void> {
    PARLEY_TRY(auto found, backend_->device(account, device));
    if (!found) return make_error(Errc::not_found, "no such device");
    return backend_->delete_device(account, device);
  });
}

Result<DeviceRecord> Store::device(AccountId account, DeviceId device) {
  return transaction(Access::read, [&]() -> Result<DeviceRecord> {
    PARLEY_TRY(auto found, backend_->device(account, device));
    if (!found) return make_error(Errc::not_found, "no such device");
    return *std::move(found);
  });
}

Result<DeviceRecord> Store::device_by_noise_key(core::BytesView noise_static_key) {
  if (noise_static_key.size() != kNoiseStaticKeySize)
    return make_error(Errc::malformed, "Noise static key: wrong size");
  return transaction(Access::read, [&]() -> Result<DeviceRecord> {
    PARLEY_TRY(auto found, backend_->device_by_noise_key(noise_static_key));
    if (!found) return make_error(Errc::not_found, "no device has this Noise static key");
    return *std::move(found);
  });
}

Result<std::vector<DeviceRecord>> Store::devices(AccountId account) {
  return transaction(Access::read, [&]() -> Result<std::vector<DeviceRecord>> {
    PARLEY_TRY(bool exists, backend_->account_exists(account));
    if (!exists) return make_error(Errc::not_found, "no such account");
    return backend_->devices(account);
  });
}

Result<void> Store::put_device_list(AccountId account, const SignedDeviceList& list) {
  if (list.signed_list.empty()) return make_error(Errc::malformed, "empty device list");
  if (list.signed_list.size() > settings_.max_device_list_size)
    return make_error(Errc::limit_exceeded, "device list too large");
  return transaction(Access::write, [&]() -> Result<void> {
    PARLEY_TRY(bool exists, backend_->account_exists(account));
    if (!exists) return make_error(Errc::not_found, "no such account");
    PARLEY_TRY(auto current, backend_->device_list(account));
    const std::uint64_t current_version = current ? current->version : 0;
    if (list.version <= current_version)
      return make_error(Errc::conflict, "device list version " + std::to_string(list.version) +
                                            " is not newer than the stored " +
                                            std::to_string(current_version));
    return backend_->put_device_list(account, list);
  });
}

Result<SignedDeviceList> Store::device_list(AccountId account) {
  return transaction(Access::read, [&]() -> Result<SignedDeviceList> {
    PARLEY_TRY(auto list, backend_->device_list(account));
    if (!list) return make_error(Errc::not_found, "no device list for this account");
    return *std::move(list);
  });
}

// --- Key directory -----------------------------------------------------------------------------

Result<std::size_t> Store::upload_prekeys(AccountId account, DeviceId device, const PreKeyUpload& upload) {
  PARLEY_CHECK(check_upload(upload, settings_));
  return transaction(Access::write, [&]() -> Result<std::size_t> {
    PARLEY_TRY(auto found, backend_->device(account, device));
    if (!found) return make_error(Errc::not_found, "no such device");
    PARLEY_TRY(std::size_t stock, backend_->one_time_prekey_count(account, device));
    std::size_t added = 0;
    for (const auto& key : upload.one_time_prekeys) {
      PARLEY_TRY(bool replaces, backend_->has_one_time_prekey(account, device, key.id));
      if (!replaces) ++added;
    }
    if (stock + added > settings_.max_one_time_prekeys_per_device)
      return make_error(Errc::limit_exceeded, "the one-time prekey stock would pass its limit");
    if (upload.signed_prekey)
      PARLEY_CHECK(backend_->put_signed_prekey(account, device, *upload.signed_prekey));
    for (const auto& key : upload.one_time_prekeys)
      PARLEY_CHECK(backend_->put_one_time_prekey(account, device, key));
    return stock + added;
  });
}

Result<std::vector<PreKeyBundle>> Store::fetch_prekey_bundles(AccountId account) {
  // A write transaction from the start: taking a key must not race another connection's take.
  return transaction(Access::write, [&]() -> Result<std::vector<PreKeyBundle>> {
    PARLEY_TRY(bool exists, backend_->account_exists(account));
    if (!exists) return make_error(Errc::not_found, "no such account");
    PARLEY_TRY(auto linked, backend_->devices(account));
    std::vector<PreKeyBundle> bundles;
    bundles.reserve(linked.size());
    for (auto& d : linked) {
      PreKeyBundle bundle{d.device, d.incarnation, d.keys.registration_id, std::move(d.keys.identity_key), {}, {}, 0};
      PARLEY_TRY(bundle.signed_prekey, backend_->signed_prekey(account, d.device));
      PARLEY_TRY(bundle.one_time_prekey, backend_->take_one_time_prekey(account, d.device));
      PARLEY_TRY(bundle.remaining_one_time_prekeys, backend_->one_time_prekey_count(account, d.device));
      bundles.push_back(std::move(bundle));
    }
    return bundles;
  });
}

Result<std::size_t> Store::one_time_prekey_stock(AccountId account, DeviceId device) {
  return transaction(Access::read, [&]() -> Result<std::size_t> {
    PARLEY_TRY(auto found, backend_->device(account, device));
    if (!found) return make_error(Errc::not_found, "no such device");
    return backend_->one_time_prekey_count(account, device);
  });
}

}  // namespace parley::server
