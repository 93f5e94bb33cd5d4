// Private to the store and its tests: the SQLite engine's class, so that a test can reach the
// connection (to simulate a full disk or a failing commit).
#pragma once


#include <string>

#include "parley/server/store/sqlite_backend.h"
#include "parley/sqlite/database.h"

namespace parley::server {

class SqliteBackend final : public StorageBackend {
 public:
  static Result<std::unique_ptr<SqliteBackend>> open(const std::filesystem::path& file,
                                                     const SqliteOptions& options);
  ~SqliteBackend() override;
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;

  sqlite3* handle() { return db_->handle(); }

  Result<void> begin(Access access) override;
  Result<void> commit() override;
  void rollback() noexcept override;

  Result<AccountId> insert_account(TimestampMs now) override;
  Result<bool> account_exists(AccountId account) override;
  Result<Incarnation> allocate_incarnation() override;
  Result<void> insert_device(const DeviceRecord& device) override;
  Result<void> delete_device(AccountId account, DeviceId device) override;
  Result<std::vector<DeviceRecord>> devices(AccountId account) override;
  Result<std::optional<DeviceRecord>> device(AccountId account, DeviceId device) override;
  Result<std::optional<DeviceRecord>> device_by_noise_key(core::BytesView noise_static_key) override;
  Result<std::optional<SignedDeviceList>> device_list(AccountId account) override;
  Result<void> put_device_list(AccountId account, const SignedDeviceList& list) override;

  Result<std::optional<SignedPreKey>> signed_prekey(AccountId account, DeviceId device) override;
  Result<void> put_signed_prekey(AccountId account, DeviceId device, const SignedPreKey& key) override;
  Result<bool> has_one_time_prekey(AccountId account, DeviceId device, PreKeyId id) override;
  Result<void> put_one_time_prekey(AccountId account, DeviceId device, const OneTimePreKey& key) override;
  Result<std::optional<OneTimePreKey>> take_one_time_prekey(AccountId account, DeviceId device) override;
  Result<std::size_t> one_time_prekey_count(AccountId account, DeviceId device) override;

  Result<std::optional<SendReceipt>> find_send(const SendKey& key) override;
  Result<ServerId> insert_send(const SendKey& key, TimestampMs timestamp_ms) override;
  Result<QueueUsage> queue_usage(const MailboxAddress& mailbox) override;
  Result<void> enqueue(const MailboxAddress& mailbox, ServerId id, TimestampMs timestamp_ms,
                       const SendKey& sender, core::BytesView ciphertext) override;
  Result<std::vector<QueuedMessage>> fetch(const MailboxAddress& mailbox, ServerId after,
                                           std::size_t limit) override;
  Result<bool> delete_message(const MailboxAddress& mailbox, ServerId id) override;
  Result<std::size_t> expire_messages(TimestampMs cutoff) override;

  Result<std::optional<BlobState>> blob(const BlobHash& hash) override;
  Result<void> put_blob(const BlobHash& hash, const BlobState& state) override;
  Result<void> insert_blob_piece(const BlobHash& hash, std::uint64_t offset, core::BytesView data) override;
  Result<std::vector<BlobPiece>> blob_pieces(const BlobHash& hash, std::uint64_t min_offset,
                                             std::uint64_t end) override;
  Result<void> delete_blob(const BlobHash& hash) override;
  Result<std::size_t> expire_blobs(TimestampMs complete_cutoff, TimestampMs incomplete_cutoff) override;
  Result<std::uint64_t> account_blob_bytes(AccountId account) override;
  Result<void> grant_blob(const BlobHash& hash, const MailboxAddress& device) override;
  Result<std::optional<bool>> blob_grant(const BlobHash& hash, const MailboxAddress& device) override;
  Result<void> set_blob_fetched(const BlobHash& hash, const MailboxAddress& device) override;
  Result<std::uint64_t> group_log_length(core::BytesView group) override;
  Result<std::optional<core::Bytes>> group_entry(core::BytesView group, std::uint64_t version) override;
  Result<void> insert_group_entry(core::BytesView group, std::uint64_t version, core::BytesView entry) override;
  Result<std::vector<core::Bytes>> group_entries(core::BytesView group, std::uint64_t from, std::size_t limit) override;
  Result<std::size_t> unfetched_blob_grants(const BlobHash& hash) override;

  using Statement = sqlite::Database::Statement;

 private:
  explicit SqliteBackend(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  Result<Statement> statement(const char* sql);

  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace parley::server
