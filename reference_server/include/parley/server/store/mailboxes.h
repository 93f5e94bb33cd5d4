// Mailboxes (spec §7.1): one durable FIFO queue per destination device incarnation. A send puts
// one ciphertext in the mailbox of every device of the destination account, all or nothing; the
// device fetches in server id order and acknowledges, which deletes.
#pragma once

#include <cassert>
#include <cstddef>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/server/store/ids.h"

namespace parley::server {

// A device's mailbox: a device id linked again has a new incarnation and so a new mailbox.
struct MailboxAddress {
  AccountId account;
  DeviceId device;
  Incarnation incarnation;
  friend auto operator<=>(const MailboxAddress&, const MailboxAddress&) = default;
};

struct DeviceCiphertext {
  DeviceId device;
  Incarnation incarnation;  // the incarnation the sender encrypted for; another one is stale
  core::Bytes ciphertext;
};

// One destination account's copies of a send.
struct Destination {
  AccountId account;
  std::vector<DeviceCiphertext> ciphertexts;
};

// A group message's fan-out (frames.capnp GroupSend, spec §11.3): one ciphertext copied to every
// named device of every named account, each account checked as a send's destination is. The
// accounts are the sender's verified log's; the server checks only that the log is at
// `membership_version`, so that a sender behind it fetches the log and plans again.
struct GroupFanout {
  core::Bytes group;
  std::uint64_t membership_version = 0;
  std::vector<Destination> destinations;  // accounts ascending, each once
};

// frames.capnp Send, with the sender the server authenticated.
struct Send {
  AccountId sender_account;
  DeviceId sender_device;
  ClientMessageId client_message_id;
  AccountId destination;
  std::vector<DeviceCiphertext> ciphertexts;
  // A resend to one device that could not decrypt the original (spec §8.5): exactly one
  // ciphertext, for a current device of the account; the others are not missing.
  bool retry = false;
  // The content hashes of the blobs the message names (spec §7.1): each must be complete and
  // readable by the sending device, and each destination device may read them once committed.
  std::vector<core::Bytes> blob_refs{};
  // Set: a group send; `destination` and `ciphertexts` are then unused.
  std::optional<GroupFanout> group{};
  // Every (account, copies) the send puts in mailboxes.
  std::vector<Destination> destinations() const {
    if (group) return group->destinations;
    return {Destination{destination, ciphertexts}};
  }
};

// A committed send (frames.capnp SendAck).
struct SendReceipt {
  ServerId server_id;
  TimestampMs timestamp_ms = 0;
  bool repeated = false;  // an earlier send with the same idempotency key; nothing new was queued
  friend bool operator==(const SendReceipt&, const SendReceipt&) = default;
};

// Why a send does not match the destination's devices; each list ascending. The sender refetches
// the device list and bundles, re-encrypts and sends again.
struct DeviceMismatch {
  std::vector<DeviceId> missing;  // devices of the account the send has no ciphertext for
  std::vector<DeviceId> extra;    // ciphertexts for device ids the account does not have
  std::vector<DeviceId> stale;    // ciphertexts for a device id's earlier incarnation
  friend bool operator==(const DeviceMismatch&, const DeviceMismatch&) = default;
  bool empty() const { return missing.empty() && extra.empty() && stale.empty(); }
};

// A group send's device mismatch: one entry per account that differs, accounts ascending.
using GroupMismatch = std::vector<std::pair<AccountId, DeviceMismatch>>;

// The outcome of one send: committed (SendReceipt), or rejected with nothing queued: an Error,
// and for device_mismatch the three lists (per account for a group send).
class SendOutcome {
 public:
  SendOutcome(SendReceipt receipt) : v_(receipt) {}                  // NOLINT: implicit by design
  SendOutcome(core::Error error) : v_(std::move(error)) {}           // NOLINT
  SendOutcome(DeviceMismatch mismatch) : v_(std::move(mismatch)) {}  // NOLINT
  SendOutcome(GroupMismatch mismatch) : v_(std::move(mismatch)) {}   // NOLINT

  bool ok() const { return v_.index() == 0; }
  const SendReceipt& receipt() const {
    assert(ok());
    return std::get<0>(v_);
  }
  core::Errc code() const;
  // The error for people and logs; for a mismatch its detail lists the ids.
  core::Error error() const;
  // Empty unless code() is device_mismatch of a send.
  const DeviceMismatch& mismatch() const;
  // Empty unless code() is device_mismatch of a group send.
  const GroupMismatch& group_mismatch() const;

 private:
  std::variant<SendReceipt, core::Error, DeviceMismatch, GroupMismatch> v_;
};

// A message as the destination device receives it (frames.capnp Deliver).
struct QueuedMessage {
  ServerId server_id;
  TimestampMs timestamp_ms = 0;
  AccountId sender_account;
  DeviceId sender_device;
  core::Bytes ciphertext;
  friend bool operator==(const QueuedMessage&, const QueuedMessage&) = default;
};

// One acknowledgement: deletes the message only from the mailbox it names.
struct MessageAck {
  MailboxAddress mailbox;
  ServerId server_id;
};

struct QueueUsage {
  std::size_t messages = 0;
  std::size_t bytes = 0;  // ciphertext bytes
  friend bool operator==(const QueueUsage&, const QueueUsage&) = default;
};

}  // namespace parley::server
