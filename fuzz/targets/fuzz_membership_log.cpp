// The membership log (spec §11.2) on arbitrary bytes. The first byte picks what the rest is:
//   0: an entry's signed bytes, decoded; a decoded entry re-encodes to exactly the input;
//   1: a signed entry, decoded; it re-encodes to exactly the input;
//   2: signed entries for a log created by account 1 with members 2 and 3, each prefixed by a
//      2-byte big-endian length, received in turn;
//   3: changes the fuzzer describes (4 bytes each: change, author and its device, target set,
//      version skew), signed by eight accounts whose keys the target holds, so that well-signed
//      entries reach the rights and state rules.
// Properties: every failure is one of the log's documented kinds (membership_log.h), a failed
// entry changes neither the state nor what is held, and the state always holds: a group with
// members has an admin, at most kMaxGroupMembers members, a version equal to its entries.
#include <cstddef>
#include <cstdint>
#include <map>

#include "check.h"
#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/membership_log.h"

namespace {

using namespace parley;
namespace groups = protocol::groups;
using core::Errc;

constexpr std::uint64_t kAccounts = 8;

struct Keys {
  crypto::X25519KeyPair primary[kAccounts + 1];
  crypto::X25519KeyPair companion[kAccounts + 1];
  protocol::devices::SignedDeviceIdentity identity[kAccounts + 1];
  core::Bytes creation;
};

const Keys& keys() {
  static const Keys k = [] {
    Keys out;
    crypto::StreamEntropy entropy(7);
    for (std::uint64_t a = 1; a <= kAccounts; ++a) {
      out.primary[a] = crypto::generate_x25519_key_pair(entropy).value();
      out.companion[a] = crypto::generate_x25519_key_pair(entropy).value();
      out.identity[a] =
          protocol::devices::sign_device_identity({a, 2, 1, 1}, out.primary[a], out.companion[a], entropy).value();
    }
    groups::GroupMembership none;
    none.group.fill(0x42);
    const auto e = groups::next_membership_entry(none, groups::MembershipChange::create, 1, 1, out.primary[1].public_key,
                                                 {2, 3}, "fuzz", 1);
    out.creation = groups::sign_membership_entry(e, out.primary[1], std::nullopt, entropy).value();
    return out;
  }();
  return k;
}

groups::AccountKeys account_keys() {
  return [](std::uint64_t account) -> std::optional<crypto::X25519PublicKey> {
    if (account == 0 || account > kAccounts) return std::nullopt;
    return keys().primary[account].public_key;
  };
}

bool documented(Errc code) {
  switch (code) {
    case Errc::malformed: case Errc::limit_exceeded: case Errc::bad_key: case Errc::bad_signature:
    case Errc::untrusted_identity: case Errc::not_found: case Errc::conflict: case Errc::unauthorized:
    case Errc::too_far_in_future:
      return true;
    default:
      return false;
  }
}

void check_state(const groups::MembershipLog& log) {
  const auto& s = log.state();
  PARLEY_FUZZ_CHECK(s.members.size() <= groups::kMaxGroupMembers);
  PARLEY_FUZZ_CHECK(s.version == log.entries().size());
  PARLEY_FUZZ_CHECK(log.held() <= groups::kMaxHeldMembershipEntries);
  bool admin = false;
  for (const auto& m : s.members) admin = admin || m.second == groups::GroupRole::admin;
  PARLEY_FUZZ_CHECK(s.members.empty() || admin);
}

void receive(groups::MembershipLog& log, core::BytesView entry) {
  const auto before = log.state();
  const auto held = log.held();
  const auto got = log.receive(entry, account_keys());
  if (!got.ok()) {
    PARLEY_FUZZ_CHECK(documented(got.code()));
    PARLEY_FUZZ_CHECK(log.state() == before);
    PARLEY_FUZZ_CHECK(log.held() == held);
  }
  check_state(log);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const core::BytesView input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      const auto e = groups::decode_membership_entry(input);
      if (!e.ok()) {
        PARLEY_FUZZ_CHECK(documented(e.code()));
        break;
      }
      const auto again = groups::encode_membership_entry(*e);
      PARLEY_FUZZ_CHECK(core::Bytes(input.begin(), input.end()) == again);
      break;
    }
    case 1: {
      const auto s = groups::decode_signed_membership_entry(input);
      if (!s.ok()) {
        PARLEY_FUZZ_CHECK(documented(s.code()));
        break;
      }
      auto again = groups::encode_membership_entry(s->entry);
      core::append(again, s->signature);
      if (s->author_identity) core::append(again, protocol::devices::encode_signed_device_identity(*s->author_identity));
      PARLEY_FUZZ_CHECK(core::Bytes(input.begin(), input.end()) == again);
      break;
    }
    case 2: {
      auto log = groups::MembershipLog::create(keys().creation, account_keys()).value();
      std::size_t at = 0;
      while (at + 2 <= input.size()) {
        const std::size_t length = (std::size_t{input[at]} << 8) | input[at + 1];
        at += 2;
        const auto entry = input.subspan(at, std::min(length, input.size() - at));
        at += entry.size();
        receive(log, entry);
      }
      break;
    }
    default: {
      auto log = groups::MembershipLog::create(keys().creation, account_keys()).value();
      crypto::StreamEntropy entropy(size);
      for (std::size_t at = 0; at + 4 <= input.size(); at += 4) {
        const auto change = static_cast<groups::MembershipChange>(input[at] % 9);
        const std::uint64_t author = input[at + 1] % kAccounts + 1;
        const bool companion = (input[at + 1] & 0x80) != 0;
        std::vector<std::uint64_t> targets;
        for (std::uint64_t a = 1; a <= kAccounts; ++a)
          if ((input[at + 2] >> (a - 1)) & 1) targets.push_back(a);
        auto e = groups::next_membership_entry(log.state(), change, author, companion ? 2 : 1,
                                               companion ? keys().companion[author].public_key : keys().primary[author].public_key,
                                               targets, (input[at + 3] & 0x10) ? "subject" : "", at);
        e.version += (input[at + 3] & 0x3) == 3 ? static_cast<std::uint64_t>(-1) : (input[at + 3] & 0x3);
        const auto signed_entry = groups::sign_membership_entry(
            e, companion ? keys().companion[author] : keys().primary[author],
            companion ? std::optional(keys().identity[author]) : std::nullopt, entropy);
        if (!signed_entry.ok()) {
          PARLEY_FUZZ_CHECK(documented(signed_entry.code()));
          continue;
        }
        receive(log, *signed_entry);
      }
      break;
    }
  }
  return 0;
}
