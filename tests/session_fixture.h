// Two devices with an established session, for the cross-layer session tests.
#pragma once

#include <map>
#include <optional>

#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"
#include "parley/wire/libsignal_codec.h"

namespace parley::testing {

using crypto::StreamEntropy;

using Keys = protocol::MemoryPreKeyStore;

struct Device {
  Keys keys;
  protocol::SessionRecord record;
};

inline Device make_device(crypto::Entropy& e, std::uint32_t registration) {
  Device d;
  d.keys.identity_key = crypto::generate_x25519_key_pair(e).value();
  d.keys.registration = protocol::RegistrationId{registration};
  auto spk = protocol::generate_signed_prekey(*d.keys.identity_key, protocol::SignedPreKeyId{1}, e).value();
  d.keys.signed_prekeys.emplace(1, std::move(spk));
  d.keys.one_time_prekeys.emplace(7,
                                  protocol::OneTimePreKey{{7}, crypto::generate_x25519_key_pair(e).value()});
  return d;
}

inline protocol::PreKeyBundle bundle_of(const Device& d, bool with_one_time = true) {
  protocol::PreKeyBundle b;
  b.registration_id = d.keys.registration;
  b.identity_key = d.keys.identity_key->public_key;
  const auto& spk = d.keys.signed_prekeys.begin()->second;
  b.signed_prekey_id = spk.id;
  b.signed_prekey = spk.key.public_key;
  b.signed_prekey_signature = spk.signature;
  if (with_one_time && !d.keys.one_time_prekeys.empty()) {
    const auto& otk = d.keys.one_time_prekeys.begin()->second;
    b.prekey_id = otk.id;
    b.prekey = otk.key.public_key;
  }
  return b;
}

// Receives any wire message (prekey or not) on `d`, committing on success.
inline core::Result<core::Bytes> receive(Device& d, const protocol::OutgoingMessage& m, crypto::Entropy& e) {
  static const wire::LibsignalCodec codec;
  PARLEY_TRY(auto plan, protocol::plan_receive_wire(d.record, m.type, m.wire, d.keys, codec, e));
  d.keys.apply(plan.actions);
  core::Bytes plaintext = plan.plaintext();
  protocol::commit_receive(d.record, std::move(plan));
  return plaintext;
}

inline protocol::OutgoingMessage send(Device& d, std::string_view text) {
  static const wire::LibsignalCodec codec;
  return protocol::session_encrypt(d.record, core::as_bytes(text), codec).value();
}

}  // namespace parley::testing
