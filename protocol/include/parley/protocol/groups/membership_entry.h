// One change to a group's membership (spec §11.2): created, members added or removed, a member
// leaving, admins promoted or demoted, the subject changed. Each entry is signed by the device that
// made it, names the entry before it by hash and carries the next version, so the server, which
// stores and orders the log, cannot add a member, drop a change from the middle or reorder changes
// without every member's client noticing. The bytes are fixed: every implementation signs and
// hashes exactly these.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"
#include "parley/protocol/devices/device_identity.h"

namespace parley::protocol::groups {

// Domain separation (spec §8's table): the first two bytes of a membership entry's signed bytes.
inline constexpr std::array<std::uint8_t, 2> kMembershipEntryPrefix = {0x07, 0x00};
// WhatsApp's group size.
inline constexpr std::size_t kMaxGroupMembers = 1024;
// WhatsApp's subject limit, in bytes of UTF-8.
inline constexpr std::size_t kMaxGroupSubject = 100;

using GroupId = std::array<std::uint8_t, 16>;

enum class MembershipChange : std::uint8_t {
  create = 1,   // the subject and the first members besides the creator, who is the first admin
  add = 2,      // members (accounts not in the group)
  remove = 3,   // members other than the author
  leave = 4,    // the author's own account; no targets
  promote = 5,  // members who are not admins
  demote = 6,   // admins other than the author
  subject = 7,  // the new subject; no targets
};

struct MembershipEntry {
  GroupId group{};
  std::uint64_t version = 0;         // 1 for the creation, one more for each entry after it
  crypto::Sha256Digest previous{};   // SHA-256 of the signed entry before; zero for the creation
  std::uint64_t timestamp_ms = 0;    // the author's clock: shown, never trusted for order
  std::uint64_t author_account = 0;
  std::uint32_t author_device = 0;
  crypto::X25519PublicKey author_key{};  // the author device's identity key
  MembershipChange change = MembershipChange::create;
  std::string subject;                 // create and subject only; empty otherwise
  std::vector<std::uint64_t> targets;  // strictly ascending accounts
  friend bool operator==(const MembershipEntry&, const MembershipEntry&) = default;
};

// The signed bytes: 07 00 || group (16) || version (8) || previous (32) || timestamp (8) ||
// author account (8) || author device (4) || author key (33) || change (1) || subject length (1) ||
// subject || target count (2) || count x account (8), big-endian.
core::Bytes encode_membership_entry(const MembershipEntry& entry);
// Exactly those bytes with their layout rules (a known change; the subject and targets each change
// allows, within kMaxGroupSubject and kMaxGroupMembers; strictly ascending targets; version >= 1):
// `malformed` otherwise, `bad_key` for the key, `limit_exceeded` past a limit.
core::Result<MembershipEntry> decode_membership_entry(core::BytesView bytes);

struct SignedMembershipEntry {
  MembershipEntry entry;
  crypto::Signature signature{};
  // For a companion author (device other than 1): its signed device identity (§8), which proves its
  // key with the account key, so an entry stays verifiable after the companion is gone.
  std::optional<devices::SignedDeviceIdentity> author_identity;
};

// entry || signature (64) || the author's signed device identity (152) when the author is a
// companion. `malformed` for anything else.
core::Result<SignedMembershipEntry> decode_signed_membership_entry(core::BytesView bytes);
core::Result<core::Bytes> sign_membership_entry(const MembershipEntry& entry, const crypto::X25519KeyPair& author,
                                                const std::optional<devices::SignedDeviceIdentity>& author_identity,
                                                crypto::Entropy& entropy);

// The name the next entry gives this one: SHA-256 of all its signed bytes.
crypto::Sha256Digest membership_entry_hash(core::BytesView signed_entry);

}  // namespace parley::protocol::groups
