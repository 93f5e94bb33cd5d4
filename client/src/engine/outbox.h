// The outbox (spec §8.4, §8.6): what this device wrote and the server has not taken yet, messages
// and receipts alike. Each entry is planned over both accounts' verified device lists (fanout),
// waits for the bundles of devices without a session, is encrypted per device and sent as one
// frame per destination account, re-planned when the server finds the devices do not match, and
// leaves when the server acknowledged every frame. Entries are in the store before their first
// frame leaves, and are sent again with the same ids after a restart.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "context.h"
#include "device_lists.h"
#include "retry.h"
#include "sessions.h"
#include "ticks.h"
#include "parley/protocol/fanout/planner.h"
#include "parley/wire/content.h"

namespace parley::client::engine {

// One message or receipt on its way to the server.
struct OutboxEntry {
  std::uint64_t peer = 0;
  std::uint64_t timestamp_ms = 0;
  std::string text;
  std::optional<wire::ReceiptBody> receipt;  // set: this entry is a receipt, not a message
  std::map<protocol::fanout::DeviceAddress, core::Bytes> made;  // device ciphertexts, kept across re-plans
  std::set<std::uint64_t> in_flight;                           // accounts whose send frame is out
  std::set<std::uint64_t> acked;                               // accounts the server acknowledged
  std::optional<protocol::fanout::FanoutPlan> plan;
  std::uint32_t replans = 0;  // deviceMismatch answers so far
  std::uint32_t bundle_fetches = 0;  // fetches this entry asked for
  std::optional<wire::MediaBody> media = std::nullopt;  // set: the message is this attachment (spec §12.4)
  // Set: this entry is a group's sender key for `peer`'s devices (spec §11.3), this content; kept
  // in memory only (the group's next message sends it again to devices that still lack it).
  std::optional<wire::Content> distribution = std::nullopt;
};

class Outbox {
 public:
  Outbox(EngineContext& ctx, DeviceListCache& lists, Sessions& sessions, Ticks& ticks, Retry& retry)
      : ctx_(ctx), lists_(lists), sessions_(sessions), ticks_(ticks), retry_(retry) {}

  // What the store holds unsent, queued again with the same ids (it goes out once logged in).
  core::Result<void> load();
  bool idle() const { return entries_.empty(); }

  // A text for `peer`, stored as outgoing and not yet sent; its message id.
  core::Result<std::uint64_t> add_text(std::uint64_t peer, std::string text);
  // An attachment for `peer` (its upload on the server already), stored like a text; its send
  // names the blob, so the recipients may download it (spec §7.1). `malformed` or
  // `limit_exceeded` for a description spec §12.4 refuses.
  core::Result<std::uint64_t> add_media(std::uint64_t peer, wire::MediaBody media);
  // A receipt for `peer`'s devices (and, read receipts, ours), kept until the server has it.
  Output add_receipt(std::uint64_t peer, wire::ReceiptBody receipt);
  // This device's sender key for a group (`content` holds it) to `account`'s devices (spec §11.3);
  // once the server took it, those devices are recorded as holding the key.
  void add_distribution(std::uint64_t account, const core::Bytes& group, wire::Content content);
  // A sender key for the group is on its way to the account.
  bool distributing(const core::Bytes& group, std::uint64_t account) const;
  // A sender key for the group could not be sent to the account (asked once: it is forgotten).
  bool distribution_failed(const core::Bytes& group, std::uint64_t account) { return failed_distributions_.erase({group, account}) != 0; }
  // Every entry as far as the lists, sessions and bundles allow.
  Output advance();

  // Answers to the outbox's requests.
  Output on_bundles(const wire::PreKeyBundles& reply);
  void on_bundles_refused(std::uint64_t account) { bundles_wanted_.erase(account); }
  Output on_send_ack(const SendRequest& request, const wire::SendAck& ack);
  Output on_send_refused(const SendRequest& request, const wire::ErrorFrame& refusal);
  // An account's list could not be fetched or verified: what waits for it fails.
  Output fail_for(std::uint64_t account, const core::Error& error);
  // Forgets what is in flight (the store keeps what matters): before a reload.
  void clear() {
    entries_.clear();
    bundles_wanted_.clear();
    failed_distributions_.clear();
  }

 private:
  Output advance(std::uint64_t message_id, OutboxEntry& entry);
  core::Result<core::Bytes> encrypt_for(const protocol::fanout::Encryption& e, std::uint64_t message_id, const OutboxEntry& entry);
  Output fail(std::uint64_t message_id, core::Error error);
  // The server holds every copy: a message's single tick (a receipt just leaves).
  Output on_sent(std::uint64_t message_id, const OutboxEntry& entry);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  Sessions& sessions_;
  Ticks& ticks_;
  Retry& retry_;
  std::map<std::uint64_t, OutboxEntry> entries_;  // by message id
  std::set<std::uint64_t> bundles_wanted_;
  std::set<std::pair<core::Bytes, std::uint64_t>> failed_distributions_;  // (group, account)
};

}  // namespace parley::client::engine
