// Groups (spec §11.3), the engine's membership and receiving side: each group's membership log,
// verified entry by entry against its authors' account keys (from verified device lists) and kept
// in the store; changes this device makes, appended at the server and applied once the server took
// them; logs fetched from the server (a new group, or one a message says is behind); sender keys
// received over pairwise sessions; and group messages decrypted with them.
//
// What the server says is trusted for nothing (spec §9, §11.2): an entry counts only when it
// verifies and follows the chain; a sender key counts only as the key of the device whose pairwise
// session brought it, and only for its members (a removal deletes the removed account's keys).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "context.h"
#include "device_lists.h"
#include "retry.h"
#include "parley/protocol/groups/membership_log.h"
#include "parley/wire/content.h"
#include "parley/wire/device_ciphertext.h"
#include "parley/wire/frames/frame.h"

namespace parley::client::engine {

class Groups {
 public:
  Groups(EngineContext& ctx, DeviceListCache& lists, Retry& retry) : ctx_(ctx), lists_(lists), retry_(retry) {}

  // The group's verified membership log, from the store (verified again the first time after a
  // start); nullptr for a group this device does not know or whose log is not verified yet.
  core::Result<const protocol::groups::MembershipLog*> log(core::BytesView group);
  // The group of a chat number, and the chat of a group.
  core::Result<std::optional<StoredGroup>> group_of_chat(std::uint64_t chat) { return ctx_.store.group_of_chat(chat); }
  // A fetch of the group's log is out (a send waits for it).
  bool fetching(core::BytesView group) const { return fetching_.contains(core::to_bytes(group)); }
  // What the content of a group message names: the log's version and its last entry's hash.
  core::Result<wire::GroupContext> context(core::BytesView group);

  // --- Changes this device makes --------------------------------------------------------------
  // A new group: its creation entry, signed and appended; usable once the server took it. The
  // group's chat number.
  core::Result<std::pair<std::uint64_t, EngineOutput>> create(std::string subject, std::vector<std::uint64_t> members);
  // An admin's change (add, remove, promote, demote, subject) or this account leaving.
  Output change(std::uint64_t chat, protocol::groups::MembershipChange change, std::vector<std::uint64_t> targets,
                std::string subject);
  Output on_appended(const GroupAppendRequest& request);
  Output on_append_refused(const GroupAppendRequest& request, const wire::ErrorFrame& refusal);

  // --- Logs from the server -------------------------------------------------------------------
  // Asks for the log from the version after the one this device has (unless a fetch is out).
  Output fetch(core::BytesView group);
  Output on_log(const GroupFetchRequest& request, const wire::GroupLog& page);
  Output on_fetch_refused(const GroupFetchRequest& request, const wire::ErrorFrame& refusal);
  // An account's list arrived: entries that waited for its key are verified now.
  Output on_list(std::uint64_t account);

  // --- Receiving ------------------------------------------------------------------------------
  // A sender key from (account, device), read from its pairwise session (which vouches for it).
  Output on_distribution(std::uint64_t account, std::uint32_t device, const wire::Content& content);
  // A group message (type 4): decrypted with the sender device's key, stored, acknowledged; a
  // message without its key asks for it again (spec §8.5); `message_server_id` as the inbox counts.
  Output on_group_message(const wire::Deliver& delivered, core::BytesView sender_key_message);
  // A group message's content that came over a pairwise session (a resend after a retry).
  Output on_pairwise_message(std::uint64_t account, std::uint32_t device, const wire::Content& content);

  // A log fetch is out, or entries or messages wait for one: what was delivered is not all read yet.
  bool busy() const { return !fetching_.empty() || !waiting_pages_.empty() || !waiting_messages_.empty(); }
  // Forgets what is in memory (the store keeps what matters): before a reload.
  void clear() {
    logs_.clear();
    fetching_.clear();
    waiting_pages_.clear();
    waiting_messages_.clear();
  }

 private:
  // The account key of `account` as its verified list gives it (the primary's identity key).
  std::optional<crypto::X25519PublicKey> account_key(std::uint64_t account);
  protocol::groups::AccountKeys keys();
  // Signs the entry that makes `change` next in `log` (or the creation when `log` is null).
  core::Result<core::Bytes> sign(const protocol::groups::MembershipEntry& entry);
  Output append(core::Bytes group, core::Bytes entry);
  // Verified entries applied: saved, keys of removed accounts deleted, the change reported.
  Output applied(const core::Bytes& group, const protocol::groups::MembershipLog& before_or_empty, bool created);
  // A page's entries verified against the log (or a new log from them); authors without a known
  // key are fetched first and the page waits.
  Output take_entries(const core::Bytes& group, std::vector<core::Bytes> entries);
  // Stores a group message read from (account, device), with its group context checked.
  // `ack_server_id`: the delivery to acknowledge once stored (0: the inbox does).
  Output store_message(std::uint64_t account, std::uint32_t device, const StoredSenderKey* key, const wire::Content& content,
                       EngineOutput out, std::uint64_t ack_server_id);

  EngineContext& ctx_;
  DeviceListCache& lists_;
  Retry& retry_;
  std::map<core::Bytes, protocol::groups::MembershipLog> logs_;  // verified, by group id
  std::set<core::Bytes> fetching_;
  std::map<core::Bytes, std::vector<core::Bytes>> waiting_pages_;  // entries waiting for authors' lists
  std::map<core::Bytes, std::vector<wire::Deliver>> waiting_messages_;  // group messages waiting for the log
};

}  // namespace parley::client::engine
