// Accounts with keys for membership-log tests (spec §11.2): each account's primary, and a companion
// vouched for by it, as §8's linking would make them; entries signed by either.
#pragma once

#include <map>

#include "parley/crypto/entropy.h"
#include "parley/protocol/groups/membership_log.h"

namespace parley::protocol::groups::testing {

struct Account {
  std::uint64_t id = 0;
  crypto::X25519KeyPair primary;
  crypto::X25519KeyPair companion;              // device 2
  devices::SignedDeviceIdentity companion_identity;
};

class Accounts {
 public:
  explicit Accounts(std::uint64_t seed) : entropy_(seed) {}

  const Account& operator[](std::uint64_t id) {
    auto it = accounts_.find(id);
    if (it != accounts_.end()) return it->second;
    Account a;
    a.id = id;
    a.primary = crypto::generate_x25519_key_pair(entropy_).value();
    a.companion = crypto::generate_x25519_key_pair(entropy_).value();
    a.companion_identity =
        devices::sign_device_identity({id, 2, 1, 1'700'000'000'000}, a.primary, a.companion, entropy_).value();
    return accounts_.emplace(id, std::move(a)).first->second;
  }

  AccountKeys keys() {
    return [this](std::uint64_t account) -> std::optional<crypto::X25519PublicKey> {
      auto it = accounts_.find(account);
      if (it == accounts_.end()) return std::nullopt;
      return it->second.primary.public_key;
    };
  }

  // `entry` signed by its author account's primary (device 1) or companion (device 2).
  core::Bytes sign(MembershipEntry entry, bool by_companion = false) {
    const auto& a = (*this)[entry.author_account];
    entry.author_device = by_companion ? 2 : 1;
    entry.author_key = by_companion ? a.companion.public_key : a.primary.public_key;
    return sign_membership_entry(entry, by_companion ? a.companion : a.primary,
                                 by_companion ? std::optional(a.companion_identity) : std::nullopt, entropy_)
        .value();
  }

  // The creation of group `group` by `creator` with `members`.
  core::Bytes creation(std::uint8_t group, std::uint64_t creator, std::vector<std::uint64_t> members,
                       std::string subject = "lunch") {
    GroupMembership none;
    none.group.fill(group);
    auto e = next_membership_entry(none, MembershipChange::create, creator, 1, {}, std::move(members), std::move(subject), 1);
    return sign(e);
  }

  // The change after `state`, by `author`.
  core::Bytes change(const GroupMembership& state, MembershipChange change, std::uint64_t author,
                     std::vector<std::uint64_t> targets = {}, std::string subject = "", bool by_companion = false) {
    return sign(next_membership_entry(state, change, author, 1, {}, std::move(targets), std::move(subject), 2),
                by_companion);
  }

 private:
  crypto::StreamEntropy entropy_;
  std::map<std::uint64_t, Account> accounts_;
};

}  // namespace parley::protocol::groups::testing
