// A DeviceStore that fails on purpose: it passes every call to the store it wraps, counts the
// writes (every call that changes the store, and every commit) on a FaultPlan that the devices of a
// simulation share, and makes the plan's k-th write fail with `storage_failure`, as a full disk or
// an I/O error would. In `crash` mode the device's process is taken to have died at that write: the
// simulation then throws the engine away and loads it again from what the store committed (spec
// §8.6: a crash between any two writes loses nothing).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "parley/client/store/device_store.h"

namespace parley::client::testing {

enum class FaultMode { error, crash };

// Which write fails, counted over every device that shares the plan.
struct FaultPlan {
  std::uint64_t writes = 0;              // so far
  std::optional<std::uint64_t> fail_at;  // this one (1: the first) fails
  FaultMode mode = FaultMode::error;
  std::uint64_t fired = 0;               // faults that fired
  // The `k`-th write from now (1: the next one) fails.
  void fail_write(std::uint64_t k, FaultMode how) {
    fail_at = writes + k;
    mode = how;
  }
};

class FaultyDeviceStore final : public DeviceStore {
 public:
  FaultyDeviceStore(std::unique_ptr<DeviceStore> inner, FaultPlan& plan) : inner_(std::move(inner)), plan_(plan) {}

  DeviceStore& inner() { return *inner_; }
  void replace_inner(std::unique_ptr<DeviceStore> inner) { inner_ = std::move(inner); }

  // A crash fired and the simulation has not restarted the device yet.
  bool crashed() const { return crashed_; }
  void restarted() { crashed_ = false; }

  core::Result<void> begin() override { return inner_->begin(); }
  core::Result<void> commit() override {
    PARLEY_CHECK(write());
    return inner_->commit();
  }
  void rollback() noexcept override { inner_->rollback(); }
  core::Result<void> checkpoint() override { return inner_->checkpoint(); }

  // IdentityStore
  core::Result<std::optional<LocalIdentity>> identity() override { return inner_->identity(); }
  core::Result<void> save_identity(const LocalIdentity& identity) override {
    PARLEY_CHECK(write());
    return inner_->save_identity(identity);
  }
  core::Result<std::vector<StoredSignedPreKey>> signed_prekeys() override { return inner_->signed_prekeys(); }
  core::Result<void> put_signed_prekey(const StoredSignedPreKey& key) override {
    PARLEY_CHECK(write());
    return inner_->put_signed_prekey(key);
  }
  core::Result<void> delete_signed_prekey(protocol::SignedPreKeyId id) override {
    PARLEY_CHECK(write());
    return inner_->delete_signed_prekey(id);
  }
  core::Result<std::map<std::uint32_t, protocol::OneTimePreKey>> one_time_prekeys() override { return inner_->one_time_prekeys(); }
  core::Result<void> put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) override {
    PARLEY_CHECK(write());
    return inner_->put_one_time_prekeys(keys);
  }
  core::Result<void> delete_one_time_prekey(protocol::PreKeyId id) override {
    PARLEY_CHECK(write());
    return inner_->delete_one_time_prekey(id);
  }
  core::Result<std::uint32_t> next_one_time_prekey_id() override { return inner_->next_one_time_prekey_id(); }
  core::Result<std::uint64_t> take_message_id() override {
    PARLEY_CHECK(write());
    return inner_->take_message_id();
  }
  core::Result<void> start_message_ids(std::uint64_t first) override {
    PARLEY_CHECK(write());
    return inner_->start_message_ids(first);
  }

  // SessionStore
  core::Result<std::optional<StoredSession>> session(std::uint64_t account, std::uint32_t device) override {
    return inner_->session(account, device);
  }
  core::Result<std::vector<SessionSummary>> session_summaries() override { return inner_->session_summaries(); }
  core::Result<void> save_session(const StoredSession& session) override {
    PARLEY_CHECK(write());
    return inner_->save_session(session);
  }
  core::Result<void> set_session_incarnation(std::uint64_t account, std::uint32_t device, std::uint64_t incarnation) override {
    PARLEY_CHECK(write());
    return inner_->set_session_incarnation(account, device, incarnation);
  }
  core::Result<void> delete_session(std::uint64_t account, std::uint32_t device) override {
    PARLEY_CHECK(write());
    return inner_->delete_session(account, device);
  }

  // DeviceListStore
  core::Result<std::optional<StoredDeviceList>> device_list(std::uint64_t account) override { return inner_->device_list(account); }
  core::Result<void> save_device_list(const StoredDeviceList& list) override {
    PARLEY_CHECK(write());
    return inner_->save_device_list(list);
  }

  // MessageStore
  core::Result<bool> add_message(const StoredMessage& message) override {
    PARLEY_CHECK(write());
    return inner_->add_message(message);
  }
  core::Result<std::vector<StoredMessage>> messages(std::uint64_t chat) override { return inner_->messages(chat); }
  core::Result<std::optional<StoredMessage>> message(std::uint64_t sender_account, std::uint32_t sender_device,
                                                     std::uint64_t message_id) override {
    return inner_->message(sender_account, sender_device, message_id);
  }
  core::Result<std::vector<ChatSummary>> chats() override { return inner_->chats(); }
  core::Result<void> mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id) override {
    PARLEY_CHECK(write());
    return inner_->mark_sent(sender_account, sender_device, message_id);
  }
  core::Result<std::vector<OutgoingRef>> outgoing(std::uint64_t chat, std::uint64_t own_account) override {
    return inner_->outgoing(chat, own_account);
  }
  core::Result<bool> add_receipt(std::uint64_t chat, const StoredReceipt& receipt) override {
    PARLEY_CHECK(write());
    return inner_->add_receipt(chat, receipt);
  }
  core::Result<std::vector<StoredReceipt>> receipts(std::uint64_t chat) override { return inner_->receipts(chat); }
  core::Result<bool> note_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override {
    PARLEY_CHECK(write());
    return inner_->note_receipt_ahead(chat, sender_device, message_id);
  }
  core::Result<void> settle_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override {
    PARLEY_CHECK(write());
    return inner_->settle_receipt_ahead(chat, sender_device, message_id);
  }
  core::Result<std::size_t> receipts_ahead(std::uint64_t chat) override { return inner_->receipts_ahead(chat); }
  core::Result<std::map<std::uint32_t, std::uint64_t>> read_marks(std::uint64_t chat) override { return inner_->read_marks(chat); }
  core::Result<bool> raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) override {
    PARLEY_CHECK(write());
    return inner_->raise_read_mark(chat, sender_device, up_to);
  }
  core::Result<void> hold_message(const HeldMessage& message) override {
    PARLEY_CHECK(write());
    return inner_->hold_message(message);
  }
  core::Result<std::vector<HeldMessage>> held_messages(std::uint64_t account, std::uint32_t device) override {
    return inner_->held_messages(account, device);
  }
  core::Result<std::size_t> held_count(std::uint64_t account, std::uint32_t device) override {
    return inner_->held_count(account, device);
  }
  core::Result<std::vector<std::pair<std::uint64_t, std::uint32_t>>> held_senders() override { return inner_->held_senders(); }
  core::Result<void> release_held(std::uint64_t server_id) override {
    PARLEY_CHECK(write());
    return inner_->release_held(server_id);
  }
  core::Result<std::optional<std::int64_t>> setting(const std::string& name) override { return inner_->setting(name); }
  core::Result<void> set_setting(const std::string& name, std::int64_t value) override {
    PARLEY_CHECK(write());
    return inner_->set_setting(name, value);
  }

  // OutboxStore
  core::Result<std::vector<StoredMessage>> unsent(std::uint64_t own_account, std::uint32_t own_device) override {
    return inner_->unsent(own_account, own_device);
  }
  core::Result<void> put_pending_receipt(const PendingReceipt& receipt) override {
    PARLEY_CHECK(write());
    return inner_->put_pending_receipt(receipt);
  }
  core::Result<void> delete_pending_receipt(std::uint64_t id) override {
    PARLEY_CHECK(write());
    return inner_->delete_pending_receipt(id);
  }
  core::Result<std::vector<PendingReceipt>> pending_receipts() override { return inner_->pending_receipts(); }
  core::Result<void> record_send(std::uint64_t server_id, std::uint64_t message_id, std::uint64_t account,
                                 const std::vector<std::uint32_t>& devices) override {
    PARLEY_CHECK(write());
    return inner_->record_send(server_id, message_id, account, devices);
  }
  core::Result<std::optional<std::uint64_t>> sent_to(std::uint64_t server_id, std::uint64_t account, std::uint32_t device) override {
    return inner_->sent_to(server_id, account, device);
  }
  core::Result<std::vector<std::uint64_t>> recorded_sends() override { return inner_->recorded_sends(); }

  // GroupStore
  core::Result<std::optional<StoredGroup>> group(core::BytesView id) override { return inner_->group(id); }
  core::Result<std::optional<StoredGroup>> group_of_chat(std::uint64_t chat) override { return inner_->group_of_chat(chat); }
  core::Result<std::vector<StoredGroup>> groups() override { return inner_->groups(); }
  core::Result<std::uint64_t> save_group(const StoredGroup& group) override {
    PARLEY_CHECK(write());
    return inner_->save_group(group);
  }
  core::Result<std::optional<StoredSenderKey>> sender_key(std::uint64_t account, std::uint32_t device,
                                                          core::BytesView distribution_id) override {
    return inner_->sender_key(account, device, distribution_id);
  }
  core::Result<void> save_sender_key(const StoredSenderKey& key) override {
    PARLEY_CHECK(write());
    return inner_->save_sender_key(key);
  }
  core::Result<void> delete_sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) override {
    PARLEY_CHECK(write());
    return inner_->delete_sender_key(account, device, distribution_id);
  }
  core::Result<void> delete_sender_keys(core::BytesView group, std::optional<std::uint64_t> account) override {
    PARLEY_CHECK(write());
    return inner_->delete_sender_keys(group, account);
  }
  core::Result<std::vector<KeyHolder>> key_holders(core::BytesView group) override { return inner_->key_holders(group); }
  core::Result<void> add_key_holder(core::BytesView group, const KeyHolder& holder) override {
    PARLEY_CHECK(write());
    return inner_->add_key_holder(group, holder);
  }
  core::Result<void> clear_key_holders(core::BytesView group) override {
    PARLEY_CHECK(write());
    return inner_->clear_key_holders(group);
  }

 private:
  // Counts a write; the chosen one fails (and, once crashed, so does everything until the restart:
  // a dead process writes nothing more).
  core::Result<void> write() {
    if (crashed_) return core::make_error(core::Errc::storage_failure, "the process died (injected)");
    ++plan_.writes;
    if (!plan_.fail_at || plan_.writes != *plan_.fail_at) return {};
    plan_.fail_at.reset();
    ++plan_.fired;
    if (plan_.mode == FaultMode::crash) crashed_ = true;
    return core::make_error(core::Errc::storage_failure, "write " + std::to_string(plan_.writes) + " failed (injected)");
  }

  std::unique_ptr<DeviceStore> inner_;
  FaultPlan& plan_;
  bool crashed_ = false;
};

}  // namespace parley::client::testing
