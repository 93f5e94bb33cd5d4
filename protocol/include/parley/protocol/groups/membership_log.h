// A group's membership as its clients verify it (spec §11.2): the chain of signed entries from the
// creation, each checked against its author's account key and the rights the state before it gives
// (admins change the group, a member may only leave). The server stores, orders and serves the log;
// it cannot make a client accept a member no admin added. Pure: keys come from the caller, who knows
// them from verified device lists (§8.3).
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "parley/protocol/groups/membership_entry.h"

namespace parley::protocol::groups {

// Entries ahead of the next one that a log holds until the gap before them fills (delivery out of
// order); past this the server is sending a log it will not complete.
inline constexpr std::size_t kMaxHeldMembershipEntries = 64;

enum class GroupRole : std::uint8_t { member, admin };

struct GroupMembership {
  GroupId group{};
  std::uint64_t version = 0;
  crypto::Sha256Digest head{};  // hash of the last entry applied
  std::string subject;
  std::map<std::uint64_t, GroupRole> members;  // by account
  bool is_member(std::uint64_t account) const { return members.count(account) != 0; }
  bool is_admin(std::uint64_t account) const;
  friend bool operator==(const GroupMembership&, const GroupMembership&) = default;
};

// The account key (the primary's identity key, §8) of an account as the caller verified it;
// nullopt when it has none (then fetch the account's device list first).
using AccountKeys = std::function<std::optional<crypto::X25519PublicKey>(std::uint64_t account)>;

// Checks a signed entry on its own: its layout, that its author key is its author's (the account
// key for the primary, the signed device identity for a companion: `untrusted_identity`,
// `bad_signature`; `not_found` for an account with no key known) and its signature (`bad_signature`).
core::Result<SignedMembershipEntry> verify_membership_entry(core::BytesView signed_entry, const AccountKeys& keys);

class MembershipLog {
 public:
  // A log from its creation entry (verified as above, and a `create`): the creator the first admin.
  static core::Result<MembershipLog> create(core::BytesView signed_creation, const AccountKeys& keys);

  // Applies the next entry, verified and then checked against the current state:
  //   another group: `malformed`; a version already applied: nothing happens when it is the same
  //   entry, `conflict` when it is another one (two histories: a fork the server made or allowed);
  //   a version past the next: `too_far_in_future` (receive() holds those); a wrong previous hash:
  //   `conflict`; an author without the right (not an admin; for leave, not a member):
  //   `unauthorized`; targets the state contradicts (adding a member, removing a non-member...):
  //   `conflict`; a group past kMaxGroupMembers: `limit_exceeded`.
  // A failed entry changes nothing.
  core::Result<void> apply(core::BytesView signed_entry, const AccountKeys& keys);

  // As apply(), but an entry ahead of the next is held (up to kMaxHeldMembershipEntries, else
  // `limit_exceeded`) and applied once the entries before it came, so any delivery order ends in
  // the same state. Returns how many entries this applied (0 for one held or already applied). A
  // held entry that turns out not to follow the state before it is dropped, not an error of the
  // entry that came: that one stays applied.
  core::Result<std::size_t> receive(core::BytesView signed_entry, const AccountKeys& keys);

  const GroupMembership& state() const { return state_; }
  // The verified chain, creation first: what a member hands a newcomer, who verifies it all again.
  const std::vector<core::Bytes>& entries() const { return entries_; }
  std::size_t held() const { return held_.size(); }

 private:
  MembershipLog() = default;
  core::Result<void> apply_verified(const SignedMembershipEntry& signed_entry, core::BytesView bytes);

  GroupMembership state_;
  std::vector<core::Bytes> entries_;
  std::map<std::uint64_t, core::Bytes> held_;  // by version
};

// The entry that makes `change` next after `state` (its version and previous hash filled in), for
// the author to sign.
MembershipEntry next_membership_entry(const GroupMembership& state, MembershipChange change, std::uint64_t author_account,
                                      std::uint32_t author_device, const crypto::X25519PublicKey& author_key,
                                      std::vector<std::uint64_t> targets, std::string subject, std::uint64_t timestamp_ms);

}  // namespace parley::protocol::groups
