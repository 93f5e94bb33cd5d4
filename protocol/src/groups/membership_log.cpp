#include "parley/protocol/groups/membership_log.h"

#include <algorithm>

namespace parley::protocol::groups {

using core::Errc;

namespace {

core::Error refused(Errc code, const std::string& what) { return core::make_error(code, "membership log: " + what); }

bool admin_remains(const std::map<std::uint64_t, GroupRole>& members) {
  return std::any_of(members.begin(), members.end(), [](const auto& m) { return m.second == GroupRole::admin; });
}

// The state after `e`, or why `e` may not follow `before`. Rights are judged on the state before.
core::Result<GroupMembership> next_state(const GroupMembership& before, const MembershipEntry& e) {
  GroupMembership after = before;
  const auto targets_are = [&](auto wanted, const char* what) -> core::Result<void> {
    for (const auto t : e.targets)
      if (!wanted(t)) return refused(Errc::conflict, "account " + std::to_string(t) + " " + what);
    return {};
  };
  if (e.change == MembershipChange::leave) {
    if (!before.is_member(e.author_account)) return refused(Errc::unauthorized, "a leave by an account not in the group");
  } else if (!before.is_admin(e.author_account)) {
    return refused(Errc::unauthorized, "a change by an account that is not an admin");
  }
  switch (e.change) {
    case MembershipChange::create:
      return refused(Errc::conflict, "a second creation");
    case MembershipChange::add:
      PARLEY_CHECK(targets_are([&](std::uint64_t t) { return !before.is_member(t); }, "is a member already"));
      if (before.members.size() + e.targets.size() > kMaxGroupMembers)
        return refused(Errc::limit_exceeded, "more than " + std::to_string(kMaxGroupMembers) + " members");
      for (const auto t : e.targets) after.members[t] = GroupRole::member;
      break;
    case MembershipChange::remove:
      PARLEY_CHECK(targets_are([&](std::uint64_t t) { return before.is_member(t); }, "is not a member"));
      for (const auto t : e.targets) after.members.erase(t);
      break;
    case MembershipChange::leave:
      after.members.erase(e.author_account);
      // The last admin leaving: the remaining member with the lowest account number takes over, so
      // a group is never left without anyone who may change it.
      if (!after.members.empty() && !admin_remains(after.members)) after.members.begin()->second = GroupRole::admin;
      break;
    case MembershipChange::promote:
      PARLEY_CHECK(targets_are([&](std::uint64_t t) { return before.is_member(t) && !before.is_admin(t); },
                               "is not a member who is not an admin"));
      for (const auto t : e.targets) after.members[t] = GroupRole::admin;
      break;
    case MembershipChange::demote:
      PARLEY_CHECK(targets_are([&](std::uint64_t t) { return before.is_admin(t); }, "is not an admin"));
      for (const auto t : e.targets) after.members[t] = GroupRole::member;
      break;
    case MembershipChange::subject:
      after.subject = e.subject;
      break;
  }
  after.version = e.version;
  return after;
}

}  // namespace

bool GroupMembership::is_admin(std::uint64_t account) const {
  const auto it = members.find(account);
  return it != members.end() && it->second == GroupRole::admin;
}

core::Result<SignedMembershipEntry> verify_membership_entry(core::BytesView signed_entry, const AccountKeys& keys) {
  PARLEY_TRY(auto s, decode_signed_membership_entry(signed_entry));
  const auto& e = s.entry;
  const auto account_key = keys(e.author_account);
  if (!account_key) return refused(Errc::not_found, "no verified key for account " + std::to_string(e.author_account));
  if (e.author_device == devices::kPrimaryDevice) {
    if (e.author_key != *account_key) return refused(Errc::untrusted_identity, "the author key is not the account key");
  } else {
    const auto& details = s.author_identity->details;
    if (details.account != e.author_account || details.device != e.author_device)
      return refused(Errc::untrusted_identity, "the signed device identity is another device's");
    if (auto vouched = devices::verify_device_identity(*s.author_identity, e.author_key, *account_key); !vouched.ok())
      return vouched.error();
  }
  const auto signed_bytes = signed_entry.first(signed_entry.size() - crypto::kSignatureSize -
                                               (s.author_identity ? devices::kSignedDeviceIdentitySize : 0));
  if (!crypto::xeddsa_verify(e.author_key, signed_bytes, s.signature).ok())
    return refused(Errc::bad_signature, "the author's signature does not verify");
  return s;
}

core::Result<MembershipLog> MembershipLog::create(core::BytesView signed_creation, const AccountKeys& keys) {
  PARLEY_TRY(const auto s, verify_membership_entry(signed_creation, keys));
  const auto& e = s.entry;
  if (e.change != MembershipChange::create) return refused(Errc::malformed, "a log starts with its creation");
  MembershipLog log;
  log.state_.group = e.group;
  log.state_.version = 1;
  log.state_.subject = e.subject;
  log.state_.members[e.author_account] = GroupRole::admin;
  for (const auto t : e.targets) log.state_.members[t] = GroupRole::member;
  log.state_.head = membership_entry_hash(signed_creation);
  log.entries_.emplace_back(signed_creation.begin(), signed_creation.end());
  return log;
}

core::Result<void> MembershipLog::apply(core::BytesView bytes, const AccountKeys& keys) {
  PARLEY_TRY(const auto s, verify_membership_entry(bytes, keys));
  return apply_verified(s, bytes);
}

core::Result<void> MembershipLog::apply_verified(const SignedMembershipEntry& s, core::BytesView bytes) {
  const auto& e = s.entry;
  if (e.group != state_.group) return refused(Errc::malformed, "an entry of another group");
  if (e.version <= state_.version) {
    const auto& applied = entries_[e.version - 1];
    if (std::equal(applied.begin(), applied.end(), bytes.begin(), bytes.end())) return {};  // seen: nothing to do
    return refused(Errc::conflict, "another entry at version " + std::to_string(e.version) + " (a fork)");
  }
  if (e.version > state_.version + 1)
    return refused(Errc::too_far_in_future, "version " + std::to_string(e.version) + " before " +
                                                std::to_string(state_.version + 1));
  if (e.previous != state_.head) return refused(Errc::conflict, "the previous hash is not this log's last entry");
  PARLEY_TRY(auto after, next_state(state_, e));
  after.head = membership_entry_hash(bytes);
  state_ = std::move(after);
  entries_.emplace_back(bytes.begin(), bytes.end());
  return {};
}

core::Result<std::size_t> MembershipLog::receive(core::BytesView bytes, const AccountKeys& keys) {
  PARLEY_TRY(const auto s, verify_membership_entry(bytes, keys));
  if (s.entry.group == state_.group && s.entry.version > state_.version + 1) {
    const auto held = held_.find(s.entry.version);
    if (held != held_.end()) {
      if (std::equal(held->second.begin(), held->second.end(), bytes.begin(), bytes.end())) return std::size_t{0};
      return refused(Errc::conflict, "another entry at version " + std::to_string(s.entry.version) + " (a fork)");
    }
    if (held_.size() >= kMaxHeldMembershipEntries)
      return refused(Errc::limit_exceeded, "more than " + std::to_string(kMaxHeldMembershipEntries) + " entries ahead");
    held_.emplace(s.entry.version, core::Bytes(bytes.begin(), bytes.end()));
    return std::size_t{0};
  }
  const auto before = state_.version;
  PARLEY_CHECK(apply_verified(s, bytes));
  std::size_t applied = state_.version > before ? 1 : 0;
  // Each held entry was verified when it came; it is now checked against the state it follows. One
  // that does not follow (a fork, a right its author does not have) is dropped: the entry that came
  // stays applied, and the version stays open for the right entry.
  for (auto next = held_.find(state_.version + 1); next != held_.end(); next = held_.find(state_.version + 1)) {
    const auto entry = std::move(next->second);
    held_.erase(next);
    auto held = decode_signed_membership_entry(entry);
    if (!held.ok() || !apply_verified(*held, entry).ok()) break;
    ++applied;
  }
  return applied;
}

MembershipEntry next_membership_entry(const GroupMembership& state, MembershipChange change, std::uint64_t author_account,
                                      std::uint32_t author_device, const crypto::X25519PublicKey& author_key,
                                      std::vector<std::uint64_t> targets, std::string subject, std::uint64_t timestamp_ms) {
  MembershipEntry e;
  e.group = state.group;
  e.version = state.version + 1;
  e.previous = state.head;
  e.timestamp_ms = timestamp_ms;
  e.author_account = author_account;
  e.author_device = author_device;
  e.author_key = author_key;
  e.change = change;
  std::sort(targets.begin(), targets.end());
  e.targets = std::move(targets);
  e.subject = std::move(subject);
  return e;
}

}  // namespace parley::protocol::groups
