// A PreKeyStore held in memory: for tests, vector replays and simulations. A client keeps its keys
// in its own persistent store behind the same interface.
#pragma once

#include <map>
#include <optional>

#include "parley/protocol/session.h"

namespace parley::protocol {

class MemoryPreKeyStore final : public PreKeyStore {
 public:
  std::optional<X25519KeyPair> identity_key;  // must be set before use
  RegistrationId registration;
  std::map<std::uint32_t, SignedPreKey> signed_prekeys;
  std::map<std::uint32_t, OneTimePreKey> one_time_prekeys;

  const X25519KeyPair& identity() const override { return *identity_key; }
  RegistrationId registration_id() const override { return registration; }
  const SignedPreKey* signed_prekey(SignedPreKeyId id) const override {
    auto it = signed_prekeys.find(id.value);
    return it == signed_prekeys.end() ? nullptr : &it->second;
  }
  const OneTimePreKey* one_time_prekey(PreKeyId id) const override {
    auto it = one_time_prekeys.find(id.value);
    return it == one_time_prekeys.end() ? nullptr : &it->second;
  }
  // Carries out the actions of a committed receive that concern the store.
  void apply(const std::vector<Action>& actions) {
    for (const auto& a : actions)
      if (const auto* consume = std::get_if<ConsumeOneTimePreKey>(&a)) one_time_prekeys.erase(consume->id.value);
  }
};

}  // namespace parley::protocol
