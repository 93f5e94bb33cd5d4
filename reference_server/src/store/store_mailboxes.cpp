// The Store's mailboxes (spec §7.1): all-or-nothing sends with group commit, idempotency, caps,
// FIFO fetch, acknowledgement by the owning device, expiry.
#include <algorithm>
#include <limits>
#include <map>

#include "parley/server/store/store.h"
#include "store_internal.h"

namespace parley::server {

using core::Errc;
using core::make_error;
using Access = StorageBackend::Access;

namespace {

std::string id_list(const std::vector<DeviceId>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? " " : "") + std::to_string(ids[i].value);
  return out + "]";
}

// Compares the ciphertexts' device ids and incarnations with the devices that must receive the
// send: every listed device of the destination account, except the sending device itself when a
// device sends to its own account (the sync copy to its other devices).
DeviceMismatch compare_devices(const Send& send, const std::vector<DeviceRecord>& devices) {
  std::map<DeviceId, Incarnation> expected;
  for (const auto& d : devices)
    if (d.listed && !(send.destination == send.sender_account && d.device == send.sender_device))
      expected.emplace(d.device, d.incarnation);
  DeviceMismatch mismatch;
  for (const auto& c : send.ciphertexts) {
    auto it = expected.find(c.device);
    if (it == expected.end()) {
      mismatch.extra.push_back(c.device);
      continue;
    }
    if (it->second != c.incarnation) mismatch.stale.push_back(c.device);
    expected.erase(it);
  }
  for (const auto& [device, incarnation] : expected) mismatch.missing.push_back(device);
  std::sort(mismatch.extra.begin(), mismatch.extra.end());
  std::sort(mismatch.stale.begin(), mismatch.stale.end());
  return mismatch;
}

// Checks that need no storage: sizes, and one ciphertext per device id.
Result<void> check_send_shape(const Send& send, const StoreSettings& settings) {
  std::vector<DeviceId> ids;
  ids.reserve(send.ciphertexts.size());
  for (const auto& c : send.ciphertexts) {
    if (c.ciphertext.size() > settings.max_message_size)
      return make_error(Errc::message_too_large, "a ciphertext is larger than " +
                                                     std::to_string(settings.max_message_size) + " bytes");
    ids.push_back(c.device);
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
    return make_error(Errc::malformed, "two ciphertexts for one device");
  if (send.blob_refs.size() > settings.max_blobs_per_send)
    return make_error(Errc::limit_exceeded, "a send names more than " + std::to_string(settings.max_blobs_per_send) + " blobs");
  for (const auto& ref : send.blob_refs)
    if (ref.size() != kBlobHashSize) return make_error(Errc::malformed, "a blob reference of the wrong size");
  return {};
}

std::vector<SendOutcome> all_failed(std::size_t count, const core::Error& error) {
  return std::vector<SendOutcome>(count, SendOutcome(error));
}

}  // namespace

core::Errc SendOutcome::code() const {
  if (ok()) return Errc::internal;  // no error: callers check ok() first
  if (v_.index() == 2) return Errc::device_mismatch;
  return std::get<1>(v_).code;
}

core::Error SendOutcome::error() const {
  if (v_.index() == 1) return std::get<1>(v_);
  const auto& m = mismatch();
  return make_error(Errc::device_mismatch, "missing " + id_list(m.missing) + " extra " + id_list(m.extra) +
                                               " stale " + id_list(m.stale));
}

const DeviceMismatch& SendOutcome::mismatch() const {
  static const DeviceMismatch kNone;
  return v_.index() == 2 ? std::get<2>(v_) : kNone;
}

// One send inside the batch's transaction. Everything is checked before the first write, so a
// rejected send has written nothing; an error of the Result is a storage failure.
Result<SendOutcome> Store::commit_one(const Send& send, TimestampMs now) {
  const SendKey key{send.sender_account, send.sender_device, send.client_message_id};
  PARLEY_TRY(auto earlier, backend_->find_send(key));
  if (earlier) {
    earlier->repeated = true;
    return SendOutcome(*earlier);
  }
  if (auto shape = check_send_shape(send, settings_); !shape.ok()) return SendOutcome(shape.error());
  PARLEY_TRY(bool exists, backend_->account_exists(send.destination));
  if (!exists) return SendOutcome(make_error(Errc::not_found, "no such destination account"));
  PARLEY_TRY(auto devices, backend_->devices(send.destination));
  auto mismatch = compare_devices(send, devices);
  if (send.retry) {
    if (send.ciphertexts.size() != 1) return SendOutcome(make_error(Errc::malformed, "a retry goes to exactly one device"));
    mismatch.missing.clear();
  }
  if (!mismatch.empty()) return SendOutcome(std::move(mismatch));
  for (const auto& c : send.ciphertexts) {
    PARLEY_TRY(QueueUsage usage, backend_->queue_usage({send.destination, c.device, c.incarnation}));
    if (usage.messages + 1 > settings_.max_queued_messages_per_device ||
        usage.bytes + c.ciphertext.size() > settings_.max_queued_bytes_per_device)
      return SendOutcome(
          make_error(Errc::queue_full, "device " + std::to_string(c.device.value) + "'s queue is full"));
  }
  PARLEY_TRY(auto refused, check_blob_refs(send));
  if (refused) return SendOutcome(std::move(*refused));
  PARLEY_TRY(ServerId id, backend_->insert_send(key, now));
  for (const auto& c : send.ciphertexts)
    PARLEY_CHECK(backend_->enqueue({send.destination, c.device, c.incarnation}, id, now, key, c.ciphertext));
  PARLEY_CHECK(grant_blob_refs(send));
  return SendOutcome(SendReceipt{id, now, false});
}

SendOutcome Store::commit_send(const Send& send) { return std::move(commit_sends({&send, 1}).front()); }

std::vector<SendOutcome> Store::commit_sends(std::span<const Send> sends) {
  std::vector<SendOutcome> outcomes;
  auto committed = transaction(Access::write, [&]() -> Result<bool> {
    outcomes.clear();
    outcomes.reserve(sends.size());
    const TimestampMs now = clock_();
    for (const auto& send : sends) {
      PARLEY_TRY(auto outcome, commit_one(send, now));
      outcomes.push_back(std::move(outcome));
    }
    return true;
  });
  // Nothing of the batch is committed: no send may be reported as such.
  if (!committed.ok()) return all_failed(sends.size(), committed.error());
  return outcomes;
}

Result<void> Store::check_mailbox(const MailboxAddress& mailbox) {
  PARLEY_TRY(auto found, backend_->device(mailbox.account, mailbox.device));
  if (!found || found->incarnation != mailbox.incarnation)
    return make_error(Errc::not_found, "no such device incarnation");
  return {};
}

Result<std::vector<QueuedMessage>> Store::fetch(const MailboxAddress& mailbox, ServerId after,
                                                std::size_t limit) {
  return transaction(Access::read, [&]() -> Result<std::vector<QueuedMessage>> {
    PARLEY_CHECK(check_mailbox(mailbox));
    limit = std::min(limit, settings_.max_fetch);
    // Server ids are allocated from 1 and stay below 2^63 (SQLite's integers are signed).
    if (limit == 0 || after.value >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::vector<QueuedMessage>{};
    return backend_->fetch(mailbox, after, limit);
  });
}

Result<std::size_t> Store::acknowledge(std::span<const MessageAck> acks) {
  return transaction(Access::write, [&]() -> Result<std::size_t> {
    std::size_t deleted = 0;
    for (const auto& ack : acks) {
      PARLEY_TRY(bool found, backend_->delete_message(ack.mailbox, ack.server_id));
      deleted += found ? 1 : 0;
    }
    return deleted;
  });
}

Result<QueueUsage> Store::queue_usage(const MailboxAddress& mailbox) {
  return transaction(Access::read, [&]() -> Result<QueueUsage> {
    PARLEY_CHECK(check_mailbox(mailbox));
    return backend_->queue_usage(mailbox);
  });
}

Result<std::size_t> Store::expire_messages() {
  return transaction(Access::write, [&]() -> Result<std::size_t> {
    const TimestampMs now = clock_();
    // Older than the retention: a message exactly message_retention_ms old stays.
    const TimestampMs cutoff =
        now > settings_.message_retention_ms ? now - settings_.message_retention_ms : 0;
    return backend_->expire_messages(cutoff);
  });
}

}  // namespace parley::server
