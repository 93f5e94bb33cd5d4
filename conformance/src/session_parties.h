// The two parties of the session vector types (x3dh, ratchet-transcript, session-negative):
// Alice initiates from Bob's bundle. Generators derive the keys from the labelled seed and write
// them; verifiers read them back. One place for the field names (spec/test-vectors.md §3.11).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "parley/conformance/labelled_seed.h"
#include "parley/conformance/vector_file.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"

namespace parley::conformance::detail {

struct SessionParties {
  crypto::X25519KeyPair alice_identity;
  crypto::X25519KeyPair alice_base;     // X3DH's EK_A
  crypto::X25519KeyPair alice_ratchet;  // Alice's first sending ratchet key
  protocol::RegistrationId alice_registration;
  protocol::MemoryPreKeyStore bob;      // identity, one signed prekey, at most one one-time prekey

  const protocol::SignedPreKey& bob_signed_prekey() const { return bob.signed_prekeys.begin()->second; }
  const protocol::OneTimePreKey* bob_one_time_prekey() const {
    return bob.one_time_prekeys.empty() ? nullptr : &bob.one_time_prekeys.begin()->second;
  }
  protocol::PreKeyBundle bundle() const;

  // Alice's session record after start_session from bundle(), her base and ratchet keys replayed.
  core::Result<protocol::SessionRecord> alice_start() const;

  // The ids and registration ids of a derived pair (the defaults are those of every file written
  // before x3dh-prekey-combinations.json, which varies them to reach the wire layout's edges).
  struct Ids {
    std::uint32_t alice_registration = 1001;
    std::uint32_t bob_registration = 2002;
    std::uint32_t signed_prekey = 77;
    std::optional<std::uint32_t> one_time_prekey = 4242;  // nullopt: Bob has none
  };

  // Keys under "<id>/alice-identity" etc.; Bob's signature random under "<id>/bob-signed-prekey-random".
  static core::Result<SessionParties> derive(const LabelledSeed& seed, const std::string& id, bool one_time_prekey);
  static core::Result<SessionParties> derive(const LabelledSeed& seed, const std::string& id, const Ids& ids);
  static core::Result<SessionParties> read(const Case& c);
  void write(nlohmann::ordered_json& out) const;
};

// The message types as vector files name them.
std::string_view message_type_name(protocol::MessageType type);
core::Result<protocol::MessageType> read_message_type(const Case& c, std::string_view field);

// Receives `wire` on `record` (with `keys` for prekey messages): plan, apply the store's actions,
// commit. An identity change is an error here: vector parties never change identity.
core::Result<core::Bytes> deliver(protocol::SessionRecord& record, protocol::MemoryPreKeyStore& keys,
                                  protocol::MessageType type, core::BytesView wire, crypto::Entropy& entropy);

}  // namespace parley::conformance::detail
