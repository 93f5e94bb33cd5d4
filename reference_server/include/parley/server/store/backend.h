// The primitives a storage engine provides to the Store (spec §7.1). Every rule of the spec
// (validation, limits, all-or-nothing sends, idempotency, exactly-once prekeys, hash checks) lives
// once in Store, written against this interface; a backend only reads and writes rows inside the
// transactions Store opens. SQLite (the embedded default) and memory (tests, fuzzing) implement it
// today; a PostgreSQL backend is one more implementation, with no change to Store or the server.
//
// Contract for every implementation:
//  - Any failure to read or write is returned as Errc::storage_failure, not thrown (Store still
//    catches what escapes, such as std::bad_alloc, and rolls back).
//  - Calls other than begin() happen only inside a transaction. A write transaction is isolated
//    from every other connection's writes from begin(write) on (SQLite: BEGIN IMMEDIATE takes the
//    single write lock; PostgreSQL would need SERIALIZABLE with retries, or locks on the rows it
//    reads), so two connections never both take the same one-time prekey, nor both pass a check
//    (idempotency, queue cap) that only one of them may pass.
//  - rollback() undoes every write of the transaction and is harmless outside one. (Store checks
//    everything a send needs before its first write, so a rejected send in a batch has written
//    nothing and needs no savepoint; a failed write aborts the whole transaction.)
//  - One backend object is one connection: used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/store/blob_store.h"
#include "parley/server/store/device_registry.h"
#include "parley/server/store/ids.h"
#include "parley/server/store/key_directory.h"
#include "parley/server/store/mailboxes.h"

namespace parley::server {

template <typename T>
using Result = core::Result<T>;

// The idempotency key of a send.
struct SendKey {
  AccountId sender_account;
  DeviceId sender_device;
  ClientMessageId client_message_id;
  friend auto operator<=>(const SendKey&, const SendKey&) = default;
};

// One stored row of a blob's bytes, at its offset in the blob.
struct BlobPiece {
  std::uint64_t offset = 0;
  core::Bytes data;
};

class StorageBackend {
 public:
  enum class Access { read, write };

  virtual ~StorageBackend() = default;

  // Transactions.
  virtual Result<void> begin(Access access) = 0;
  virtual Result<void> commit() = 0;
  virtual void rollback() noexcept = 0;

  // Device registry. Account ids and incarnations come from counters that never repeat a
  // committed value, removed rows included.
  virtual Result<AccountId> insert_account(TimestampMs now) = 0;
  virtual Result<bool> account_exists(AccountId account) = 0;
  virtual Result<Incarnation> allocate_incarnation() = 0;
  virtual Result<void> insert_device(const DeviceRecord& device) = 0;
  // Removes the device with its mailbox, prekeys and the idempotency keys of its sends.
  virtual Result<void> delete_device(AccountId account, DeviceId device) = 0;
  virtual Result<std::vector<DeviceRecord>> devices(AccountId account) = 0;  // by device id
  virtual Result<std::optional<DeviceRecord>> device(AccountId account, DeviceId device) = 0;
  virtual Result<std::optional<DeviceRecord>> device_by_noise_key(core::BytesView noise_static_key) = 0;
  virtual Result<std::optional<SignedDeviceList>> device_list(AccountId account) = 0;
  virtual Result<void> put_device_list(AccountId account, const SignedDeviceList& list) = 0;

  // Key directory.
  virtual Result<std::optional<SignedPreKey>> signed_prekey(AccountId account, DeviceId device) = 0;
  virtual Result<void> put_signed_prekey(AccountId account, DeviceId device, const SignedPreKey& key) = 0;
  virtual Result<bool> has_one_time_prekey(AccountId account, DeviceId device, PreKeyId id) = 0;
  // Inserts, or replaces the key stored under the same id.
  virtual Result<void> put_one_time_prekey(AccountId account, DeviceId device, const OneTimePreKey& key) = 0;
  // Removes and returns the device's one-time prekey with the lowest id.
  virtual Result<std::optional<OneTimePreKey>> take_one_time_prekey(AccountId account, DeviceId device) = 0;
  virtual Result<std::size_t> one_time_prekey_count(AccountId account, DeviceId device) = 0;

  // Mailboxes.
  virtual Result<std::optional<SendReceipt>> find_send(const SendKey& key) = 0;
  // Records the idempotency key and allocates the next server id (greater than every committed one).
  virtual Result<ServerId> insert_send(const SendKey& key, TimestampMs timestamp_ms) = 0;
  virtual Result<QueueUsage> queue_usage(const MailboxAddress& mailbox) = 0;
  // Appends to the mailbox; the message's sender and time are those of the send `id`.
  virtual Result<void> enqueue(const MailboxAddress& mailbox, ServerId id, TimestampMs timestamp_ms,
                               const SendKey& sender, core::BytesView ciphertext) = 0;
  // At most `limit` messages with server id > after, ascending.
  virtual Result<std::vector<QueuedMessage>> fetch(const MailboxAddress& mailbox, ServerId after,
                                                   std::size_t limit) = 0;
  virtual Result<bool> delete_message(const MailboxAddress& mailbox, ServerId id) = 0;
  // Deletes messages and idempotency keys with a timestamp before `cutoff`; returns the number of
  // messages (one per destination device) deleted.
  virtual Result<std::size_t> expire_messages(TimestampMs cutoff) = 0;

  // Blob store.
  virtual Result<std::optional<BlobState>> blob(const BlobHash& hash) = 0;
  virtual Result<void> put_blob(const BlobHash& hash, const BlobState& state) = 0;  // insert or update
  virtual Result<void> insert_blob_piece(const BlobHash& hash, std::uint64_t offset,
                                         core::BytesView data) = 0;
  // The pieces with min_offset <= offset < end, by offset.
  virtual Result<std::vector<BlobPiece>> blob_pieces(const BlobHash& hash, std::uint64_t min_offset,
                                                     std::uint64_t end) = 0;
  virtual Result<void> delete_blob(const BlobHash& hash) = 0;  // with its pieces and grants
  // Deletes complete blobs created before complete_cutoff and incomplete ones created before
  // incomplete_cutoff; returns how many.
  virtual Result<std::size_t> expire_blobs(TimestampMs complete_cutoff, TimestampMs incomplete_cutoff) = 0;
  // The sum of total_size over the blobs the account's devices uploaded (complete or not).
  virtual Result<std::uint64_t> account_blob_bytes(AccountId account) = 0;
  // Grants (spec §7.1): a destination device of a send that named the blob may read it. A grant
  // that exists is kept as it is (fetched or not).
  virtual Result<void> grant_blob(const BlobHash& hash, const MailboxAddress& device) = 0;
  // Whether the device holds a grant: nullopt if not, else whether it said it fetched the blob.
  virtual Result<std::optional<bool>> blob_grant(const BlobHash& hash, const MailboxAddress& device) = 0;
  virtual Result<void> set_blob_fetched(const BlobHash& hash, const MailboxAddress& device) = 0;
  virtual Result<std::size_t> unfetched_blob_grants(const BlobHash& hash) = 0;

  // Group membership logs (spec §11.2): each group's signed entries by version, 1 first.
  virtual Result<std::uint64_t> group_log_length(core::BytesView group) = 0;  // 0: no such group
  virtual Result<std::optional<core::Bytes>> group_entry(core::BytesView group, std::uint64_t version) = 0;
  virtual Result<void> insert_group_entry(core::BytesView group, std::uint64_t version, core::BytesView entry) = 0;
  // Up to `limit` entries from version `from` on, in order.
  virtual Result<std::vector<core::Bytes>> group_entries(core::BytesView group, std::uint64_t from,
                                                         std::size_t limit) = 0;
};

}  // namespace parley::server
