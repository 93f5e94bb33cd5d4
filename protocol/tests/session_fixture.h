// Two devices with a pairwise session (spec §5.5), driven through any MessageCodec: the session
// tests run once per wire layout (libsignal's, §5.6, and Parley's, §5.7), and the record codec and
// interop tests reuse the devices.
#pragma once

#include <string_view>

#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"

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
  d.keys.one_time_prekeys.emplace(7, protocol::OneTimePreKey{{7}, crypto::generate_x25519_key_pair(e).value()});
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

// Decodes and receives any wire message (prekey or not) on `d` with `codec`, committing on success.
inline core::Result<core::Bytes> receive_with(const protocol::MessageCodec& codec, Device& d,
                                              const protocol::OutgoingMessage& m, crypto::Entropy& e) {
  PARLEY_TRY(auto plan, protocol::plan_receive_wire(d.record, m.type, m.wire, d.keys, codec, e));
  d.keys.apply(plan.actions);
  core::Bytes plaintext = plan.plaintext();
  protocol::commit_receive(d.record, std::move(plan));
  return plaintext;
}

inline core::Result<protocol::OutgoingMessage> send_with(const protocol::MessageCodec& codec, Device& d,
                                                         std::string_view text) {
  return protocol::session_encrypt(d.record, core::as_bytes(text), codec);
}

// Alice with a session to Bob from Bob's bundle; nothing sent yet. Every message goes through
// `Codec`'s wire layout.
template <typename Codec>
struct SessionPair {
  Codec codec;
  StreamEntropy entropy;
  Device alice, bob;
  bool started = false;

  explicit SessionPair(std::uint64_t seed, bool one_time = true)
      : entropy(seed), alice(make_device(entropy, 1)), bob(make_device(entropy, 2)) {
    started = protocol::start_session(alice.record, *alice.keys.identity_key, alice.keys.registration,
                                      bundle_of(bob, one_time), entropy)
                  .ok();
  }
  protocol::OutgoingMessage send(Device& from, std::string_view text) { return send_with(codec, from, text).value(); }
  core::Result<core::Bytes> receive(Device& to, const protocol::OutgoingMessage& m) { return receive_with(codec, to, m, entropy); }
  core::Result<core::Bytes> to_bob(std::string_view text) { return receive(bob, send(alice, text)); }
  core::Result<core::Bytes> to_alice(std::string_view text) { return receive(alice, send(bob, text)); }
};

}  // namespace parley::testing
