// The server's storage (spec §7.1): device registry, key directory, mailboxes and blob store,
// with every rule of the spec, over a StorageBackend (SQLite by default, memory for tests and
// fuzzing).
//
// Durability: an operation that returns success has committed (with the SQLite backend, synced
// to disk: WAL with synchronous=FULL). A failure of the engine is storage_failure and has changed
// nothing. No exception leaves a Store.
//
// Threads: a Store is one connection; use it from one thread at a time. Open one Store per
// thread over the same database (the same SQLite file, or the same MemoryDatabase).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/store/backend.h"
#include "parley/server/store/blob_store.h"
#include "parley/server/store/device_registry.h"
#include "parley/server/store/ids.h"
#include "parley/server/store/key_directory.h"
#include "parley/server/store/mailboxes.h"
#include "parley/server/store/settings.h"

namespace parley::server {

class Store {
 public:
  Store(std::unique_ptr<StorageBackend> backend, StoreSettings settings, Clock clock);
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const StoreSettings& settings() const { return settings_; }
  // The store's clock (the server's wall clock, or a test's).
  TimestampMs now() const { return clock_(); }

  // --- Device registry ---------------------------------------------------------------------
  // A new account with its primary device (kPrimaryDeviceId). malformed or bad_key for keys of
  // the wrong size or type; conflict when the Noise static key belongs to another device.
  Result<DeviceRecord> create_account(const DeviceKeys& primary);
  // Links a device under the lowest free device id, with a new incarnation. not_found for an
  // unknown account; limit_exceeded past max_devices_per_account; key errors as above.
  Result<DeviceRecord> link_device(AccountId account, const DeviceKeys& keys);
  // Removes the device, its mailbox (unacknowledged messages included), its prekeys and the
  // idempotency keys of its sends. not_found if there is no such device.
  Result<void> remove_device(AccountId account, DeviceId device);
  Result<DeviceRecord> device(AccountId account, DeviceId device);
  // Login: the device whose Noise static key this is.
  Result<DeviceRecord> device_by_noise_key(core::BytesView noise_static_key);
  // Every device of the account, by device id; not_found for an unknown account.
  Result<std::vector<DeviceRecord>> devices(AccountId account);
  // conflict unless list.version is greater than the stored version (no rollback);
  // limit_exceeded above max_device_list_size; malformed when empty.
  Result<void> put_device_list(AccountId account, const SignedDeviceList& list);
  // not_found until one was put.
  Result<SignedDeviceList> device_list(AccountId account);

  // --- Key directory -----------------------------------------------------------------------
  // Stores the signed prekey (replacing the current one) and the one-time prekeys in one
  // transaction; returns the one-time prekey stock afterwards. A one-time id already in stock is
  // replaced by the new key (the device no longer holds the old private key); the same id twice
  // in one upload is malformed. limit_exceeded above max_one_time_prekeys_per_upload or when the
  // stock would pass max_one_time_prekeys_per_device.
  Result<std::size_t> upload_prekeys(AccountId account, DeviceId device, const PreKeyUpload& upload);
  // One bundle per device of the account, by device id; each takes the device's lowest one-time
  // prekey, which no other fetch (on any connection) will ever return.
  Result<std::vector<PreKeyBundle>> fetch_prekey_bundles(AccountId account);
  Result<std::size_t> one_time_prekey_stock(AccountId account, DeviceId device);

  // --- Mailboxes ---------------------------------------------------------------------------
  // Commits one send (a batch of one).
  SendOutcome commit_send(const Send& send);
  // Group commit: every send in one transaction (one sync to disk), each still all or nothing on
  // its own; one outcome per send, in order. A storage failure fails every send of the batch.
  std::vector<SendOutcome> commit_sends(std::span<const Send> sends);
  // The mailbox's messages after `after`, in server id order, at most min(limit, max_fetch).
  // not_found when the mailbox's device or incarnation is gone.
  Result<std::vector<QueuedMessage>> fetch(const MailboxAddress& mailbox, ServerId after, std::size_t limit);
  // Deletes each acknowledged message from the mailbox the ack names, all in one transaction;
  // an id that mailbox does not hold (another device's, or acknowledged before) deletes nothing.
  // Returns how many were deleted.
  Result<std::size_t> acknowledge(std::span<const MessageAck> acks);
  Result<QueueUsage> queue_usage(const MailboxAddress& mailbox);
  // Deletes every message older than message_retention_ms (by the clock); returns how many
  // (per destination device): the "expired" count, apart from the acknowledged ones.
  Result<std::size_t> expire_messages();

  // --- Blob store --------------------------------------------------------------------------
  // A device may read a blob (its state, its bytes) when it uploaded it or a committed send named
  // the blob to it (a grant); to any other device the blob does not exist (not_found).
  //
  // Adds a chunk at chunk.offset from `uploader`. The chunk that starts an upload makes its device
  // the uploader, and is quota_exceeded when the account's blobs would pass
  // max_blob_bytes_per_account. A chunk may repeat bytes already received (a resumed upload); it
  // may not leave a gap (malformed, the state says where to resume) or pass total_size. The chunk
  // that completes the blob checks its SHA-256: on mismatch the upload is discarded (malformed).
  // message_too_large above max_blob_size. A chunk for a blob held for another device, which this
  // one may not read, is conflict; for a complete blob this one may read, it returns the state and
  // stores nothing.
  Result<BlobState> put_blob_chunk(const BlobChunk& chunk, const MailboxAddress& uploader);
  Result<BlobState> blob_state(core::BytesView content_hash, const MailboxAddress& reader);  // not_found
  // Up to min(length, max_blob_read) bytes from offset, fewer at the end. not_found unless the
  // blob is complete and `reader` may read it; malformed for an offset past its end.
  Result<core::Bytes> read_blob(core::BytesView content_hash, std::uint64_t offset, std::uint64_t length,
                                const MailboxAddress& reader);
  // A device a send named the blob to has it. Once every such device has said so, the blob is
  // deleted: returns whether it was. not_found for a device without a grant. Saying it twice
  // changes nothing.
  Result<bool> blob_fetched(core::BytesView content_hash, const MailboxAddress& reader);
  // Deletes blobs past blob_retention_ms and uploads not completed within blob_upload_timeout_ms.
  Result<std::size_t> expire_blobs();

  // --- Group membership logs (spec §11.2) -----------------------------------------------------
  // The server orders a group's log and serves it; the entries' signatures are the clients' to
  // check. Appends the entry `author` sent for `group`: its layout must decode and name this group
  // (malformed), its author must be `author`'s account and device (unauthorized), its version the
  // log's next, 1 for a group the server does not know, and its previous hash the SHA-256 of the
  // last stored entry: another (a stale view, or a second writer that lost the race) is conflict,
  // and the device fetches the log and signs again. Over max_group_entry_size: message_too_large.
  // Returns the version stored.
  Result<std::uint64_t> append_group_entry(core::BytesView group, core::BytesView entry, const MailboxAddress& author);
  struct GroupLogPage {
    std::vector<core::Bytes> entries;  // from the version asked, at most max_group_log_entries
    bool more = false;
  };
  // The log from version `from` (at least 1) on: not_found for a group the server does not know,
  // malformed for `from` past the log's next version.
  Result<GroupLogPage> group_log(core::BytesView group, std::uint64_t from);

 private:
  template <typename F>
  auto transaction(StorageBackend::Access access, F&& body) -> decltype(body());
  Result<SendOutcome> commit_one(const Send& send, TimestampMs now);
  // A destination's copies against its devices: nothing (they match), or why not.
  Result<std::optional<SendOutcome>> check_destination(const Send& send, const Destination& destination);
  Result<void> check_mailbox(const MailboxAddress& mailbox);
  Result<bool> may_read_blob(const BlobHash& hash, const BlobState& state, const MailboxAddress& device);
  Result<BlobState> readable_blob(const BlobHash& hash, const MailboxAddress& reader);
  Result<std::optional<core::Error>> check_blob_refs(const Send& send);
  Result<void> grant_blob_refs(const Send& send);

  std::unique_ptr<StorageBackend> backend_;
  StoreSettings settings_;
  Clock clock_;
};

}  // namespace parley::server
