#include "parley/protocol/groups/membership_entry.h"

#include <algorithm>

#include "parley/core/big_endian.h"

namespace parley::protocol::groups {

using core::Errc;

namespace {

constexpr std::size_t kFixedSize = 2 + 16 + 8 + 32 + 8 + 8 + 4 + 33 + 1 + 1 + 2;

core::Error bad(const std::string& what) { return core::make_error(Errc::malformed, "membership entry: " + what); }

bool has_subject(MembershipChange c) { return c == MembershipChange::create || c == MembershipChange::subject; }
// Leave and subject name nobody; create may name its first members or none; the rest need some.
bool may_have_targets(MembershipChange c) { return c != MembershipChange::leave && c != MembershipChange::subject; }
bool needs_targets(MembershipChange c) { return may_have_targets(c) && c != MembershipChange::create; }

// What the layout alone can tell; what the group's state allows is the log's (membership_log.h).
core::Result<void> check_layout(const MembershipEntry& e) {
  if (e.change < MembershipChange::create || e.change > MembershipChange::subject) return bad("unknown change");
  if (e.version == 0) return bad("version 0");
  const bool first = e.change == MembershipChange::create;
  if (first != (e.version == 1)) return bad("the creation, and only it, is version 1");
  if (first && e.previous != crypto::Sha256Digest{}) return bad("the creation names a previous entry");
  if (e.subject.size() > kMaxGroupSubject)
    return core::make_error(Errc::limit_exceeded, "membership entry: subject over " + std::to_string(kMaxGroupSubject) + " bytes");
  if (has_subject(e.change) == e.subject.empty()) return bad(has_subject(e.change) ? "no subject" : "a subject it cannot carry");
  if (e.targets.size() >= kMaxGroupMembers)  // with the author, a group of at most kMaxGroupMembers
    return core::make_error(Errc::limit_exceeded, "membership entry: more than " + std::to_string(kMaxGroupMembers - 1) + " targets");
  if (!may_have_targets(e.change) && !e.targets.empty()) return bad("targets it cannot carry");
  if (needs_targets(e.change) && e.targets.empty()) return bad("no targets");
  for (std::size_t i = 1; i < e.targets.size(); ++i)
    if (e.targets[i] <= e.targets[i - 1]) return bad("targets not strictly ascending");
  // The creator is in the group by creating it; adding, removing, promoting or demoting oneself is
  // never meant (leaving is its own change).
  if (std::binary_search(e.targets.begin(), e.targets.end(), e.author_account)) return bad("the author among its targets");
  return {};
}

}  // namespace

core::Bytes encode_membership_entry(const MembershipEntry& e) {
  core::Bytes out(kMembershipEntryPrefix.begin(), kMembershipEntryPrefix.end());
  out.reserve(kFixedSize + e.subject.size() + 8 * e.targets.size());
  core::append(out, e.group);
  core::append_be(out, e.version);
  core::append(out, e.previous);
  core::append_be(out, e.timestamp_ms);
  core::append_be(out, e.author_account);
  core::append_be(out, e.author_device);
  core::append(out, crypto::serialize_public_key(e.author_key));
  out.push_back(static_cast<std::uint8_t>(e.change));
  out.push_back(static_cast<std::uint8_t>(e.subject.size()));
  core::append(out, core::as_bytes(e.subject));
  core::append_be(out, static_cast<std::uint16_t>(e.targets.size()));
  for (const auto t : e.targets) core::append_be(out, t);
  return out;
}

namespace {

// Reads one entry from the front of `in`; `in` then holds what follows it.
core::Result<MembershipEntry> read_entry(core::BigEndianReader& in) {
  const auto prefix = in.bytes(2);
  if (!in.ok() || !std::equal(prefix.begin(), prefix.end(), kMembershipEntryPrefix.begin())) return bad("wrong prefix");
  MembershipEntry e;
  const auto group = in.bytes(16);
  if (in.ok()) std::copy(group.begin(), group.end(), e.group.begin());
  e.version = in.read<std::uint64_t>();
  const auto previous = in.bytes(32);
  if (in.ok()) std::copy(previous.begin(), previous.end(), e.previous.begin());
  e.timestamp_ms = in.read<std::uint64_t>();
  e.author_account = in.read<std::uint64_t>();
  e.author_device = in.read<std::uint32_t>();
  const auto key = in.bytes(33);
  if (!in.ok()) return bad("too short");
  PARLEY_TRY(e.author_key, crypto::parse_public_key(key));
  e.change = static_cast<MembershipChange>(in.read<std::uint8_t>());
  const auto subject = in.bytes(in.read<std::uint8_t>());
  e.subject.assign(subject.begin(), subject.end());
  const auto count = in.read<std::uint16_t>();
  if (!in.ok()) return bad("too short");
  if (count >= kMaxGroupMembers)
    return core::make_error(Errc::limit_exceeded, "membership entry: more than " + std::to_string(kMaxGroupMembers - 1) + " targets");
  for (std::uint16_t i = 0; i < count && in.ok(); ++i) e.targets.push_back(in.read<std::uint64_t>());
  if (!in.ok()) return bad("fewer targets than its count");
  PARLEY_CHECK(check_layout(e));
  return e;
}

}  // namespace

core::Result<MembershipEntry> decode_membership_entry(core::BytesView bytes) {
  core::BigEndianReader in(bytes);
  PARLEY_TRY(auto entry, read_entry(in));
  if (in.remaining() != 0) return bad("bytes after the targets");
  return entry;
}

core::Result<SignedMembershipEntry> decode_signed_membership_entry(core::BytesView bytes) {
  core::BigEndianReader in(bytes);
  SignedMembershipEntry s;
  PARLEY_TRY(s.entry, read_entry(in));
  const auto signature = in.bytes(crypto::kSignatureSize);
  if (!in.ok()) return bad("no signature");
  std::copy(signature.begin(), signature.end(), s.signature.begin());
  const bool companion = s.entry.author_device != devices::kPrimaryDevice;
  if (in.remaining() != (companion ? devices::kSignedDeviceIdentitySize : 0))
    return bad(companion ? "a companion's entry without its signed device identity" : "bytes after the signature");
  if (companion) {
    PARLEY_TRY(auto identity, devices::decode_signed_device_identity(in.bytes(in.remaining())));
    s.author_identity = identity;
  }
  return s;
}

core::Result<core::Bytes> sign_membership_entry(const MembershipEntry& entry, const crypto::X25519KeyPair& author,
                                                const std::optional<devices::SignedDeviceIdentity>& author_identity,
                                                crypto::Entropy& entropy) {
  PARLEY_CHECK(check_layout(entry));
  if (entry.author_key != author.public_key)
    return core::make_error(Errc::untrusted_identity, "membership entry: the author key is not the signing key");
  if ((entry.author_device != devices::kPrimaryDevice) != author_identity.has_value())
    return bad("a companion author, and only one, carries its signed device identity");
  auto out = encode_membership_entry(entry);
  PARLEY_TRY(const auto signature, crypto::xeddsa_sign(author.private_key, out, entropy));
  core::append(out, signature);
  if (author_identity) core::append(out, devices::encode_signed_device_identity(*author_identity));
  return out;
}

crypto::Sha256Digest membership_entry_hash(core::BytesView signed_entry) { return crypto::sha256(signed_entry); }

}  // namespace parley::protocol::groups
