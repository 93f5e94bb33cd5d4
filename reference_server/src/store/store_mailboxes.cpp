// The Store's mailboxes (spec §7.1): all-or-nothing sends with group commit, idempotency, caps,
// FIFO fetch, acknowledgement by the owning device, expiry.
#include <algorithm>
#include <limits>
#include <map>

#include "parley/server/store/store.h"
#include "parley/protocol/groups/membership_entry.h"
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

// Compares a destination's ciphertexts' device ids and incarnations with the devices that must
// receive the send: every listed device of the account, except the sending device itself when a
// device sends to its own account (the sync copy to its other devices, or a group message).
DeviceMismatch compare_devices(const Send& send, const Destination& to, const std::vector<DeviceRecord>& devices) {
  std::map<DeviceId, Incarnation> expected;
  for (const auto& d : devices)
    if (d.listed && !(to.account == send.sender_account && d.device == send.sender_device))
      expected.emplace(d.device, d.incarnation);
  DeviceMismatch mismatch;
  for (const auto& c : to.ciphertexts) {
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

// Checks that need no storage: sizes, one ciphertext per device id, and for a group send accounts
// ascending, each once, at most kMaxGroupMembers of them, and no retry.
Result<void> check_send_shape(const Send& send, const std::vector<Destination>& destinations, const StoreSettings& settings) {
  for (const auto& to : destinations) {
    std::vector<DeviceId> ids;
    ids.reserve(to.ciphertexts.size());
    for (const auto& c : to.ciphertexts) {
      if (c.ciphertext.size() > settings.max_message_size)
        return make_error(Errc::message_too_large, "a ciphertext is larger than " +
                                                       std::to_string(settings.max_message_size) + " bytes");
      ids.push_back(c.device);
    }
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
      return make_error(Errc::malformed, "two ciphertexts for one device");
  }
  if (send.group) {
    if (send.retry) return make_error(Errc::malformed, "a group send is never a retry");
    if (send.group->group.size() != sizeof(protocol::groups::GroupId)) return make_error(Errc::malformed, "a group id is 16 bytes");
    if (destinations.size() > protocol::groups::kMaxGroupMembers)
      return make_error(Errc::limit_exceeded, "a group send to more than " + std::to_string(protocol::groups::kMaxGroupMembers) + " accounts");
    for (std::size_t i = 1; i < destinations.size(); ++i)
      if (!(destinations[i - 1].account < destinations[i].account))
        return make_error(Errc::malformed, "a group send's accounts are ascending, each once");
  }
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
  if (v_.index() >= 2) return Errc::device_mismatch;
  return std::get<1>(v_).code;
}

core::Error SendOutcome::error() const {
  if (v_.index() == 1) return std::get<1>(v_);
  const auto describe = [](const DeviceMismatch& m) {
    return "missing " + id_list(m.missing) + " extra " + id_list(m.extra) + " stale " + id_list(m.stale);
  };
  if (v_.index() == 2) return make_error(Errc::device_mismatch, describe(mismatch()));
  std::string detail;
  for (const auto& [account, m] : group_mismatch()) detail += (detail.empty() ? "account " : "; account ") + std::to_string(account.value) + ": " + describe(m);
  return make_error(Errc::device_mismatch, detail);
}

const DeviceMismatch& SendOutcome::mismatch() const {
  static const DeviceMismatch kNone;
  return v_.index() == 2 ? std::get<2>(v_) : kNone;
}

const GroupMismatch& SendOutcome::group_mismatch() const {
  static const GroupMismatch kNone;
  return v_.index() == 3 ? std::get<3>(v_) : kNone;
}

// The destination must exist and its copies match its devices; the queues must have room.
Result<std::optional<SendOutcome>> Store::check_destination(const Send& send, const Destination& to) {
  using Refused = std::optional<SendOutcome>;
  PARLEY_TRY(bool exists, backend_->account_exists(to.account));
  if (!exists) return Refused(make_error(Errc::not_found, "no such destination account " + std::to_string(to.account.value)));
  PARLEY_TRY(auto devices, backend_->devices(to.account));
  auto mismatch = compare_devices(send, to, devices);
  if (send.retry) {
    if (to.ciphertexts.size() != 1) return Refused(make_error(Errc::malformed, "a retry goes to exactly one device"));
    mismatch.missing.clear();
  }
  if (!mismatch.empty()) return Refused(std::move(mismatch));
  for (const auto& c : to.ciphertexts) {
    PARLEY_TRY(QueueUsage usage, backend_->queue_usage({to.account, c.device, c.incarnation}));
    if (usage.messages + 1 > settings_.max_queued_messages_per_device ||
        usage.bytes + c.ciphertext.size() > settings_.max_queued_bytes_per_device)
      return Refused(make_error(Errc::queue_full, "device " + std::to_string(to.account.value) + "/" +
                                                      std::to_string(c.device.value) + "'s queue is full"));
  }
  return Refused{};
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
  const auto destinations = send.destinations();
  if (auto shape = check_send_shape(send, destinations, settings_); !shape.ok()) return SendOutcome(shape.error());
  if (send.group) {
    // The sender planned over this version of the log: one behind (or ahead) plans again.
    PARLEY_TRY(const auto length, backend_->group_log_length(send.group->group));
    if (length == 0) return SendOutcome(make_error(Errc::not_found, "no such group"));
    if (length != send.group->membership_version)
      return SendOutcome(make_error(Errc::conflict, "the group's log is at version " + std::to_string(length) + ", not " +
                                                        std::to_string(send.group->membership_version)));
  }
  GroupMismatch mismatches;
  for (const auto& to : destinations) {
    PARLEY_TRY(auto refused, check_destination(send, to));
    if (!refused) continue;
    // A group send reports every account that differs at once, so that one re-plan fixes them all.
    if (send.group && refused->code() == Errc::device_mismatch) {
      mismatches.emplace_back(to.account, refused->mismatch());
      continue;
    }
    return std::move(*refused);
  }
  if (!mismatches.empty()) return SendOutcome(std::move(mismatches));
  PARLEY_TRY(auto refused, check_blob_refs(send));
  if (refused) return SendOutcome(std::move(*refused));
  PARLEY_TRY(ServerId id, backend_->insert_send(key, now));
  for (const auto& to : destinations)
    for (const auto& c : to.ciphertexts) PARLEY_CHECK(backend_->enqueue({to.account, c.device, c.incarnation}, id, now, key, c.ciphertext));
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
