// The two-device fixture of tests/session_fixture.h, driven through any MessageCodec: the
// conversation and persistence tests run sessions entirely on Parley's Cap'n Proto wire.
#pragma once

#include <string_view>

#include "parley/wire/capnp_codec.h"
#include "session_fixture.h"

namespace parley::testing {

inline const wire::CapnpCodec capnp_codec;

// Decodes and receives any wire message on `d` with `codec`, committing on success.
inline core::Result<core::Bytes> receive_with(const protocol::MessageCodec& codec, Device& d,
                                              const protocol::OutgoingMessage& m, crypto::Entropy& e) {
  core::Result<protocol::ReceiveResult> plan = core::make_error(core::Errc::internal);
  if (m.type == protocol::MessageType::prekey) {
    PARLEY_TRY(auto pk, codec.decode_prekey_message(m.wire));
    plan = protocol::plan_receive_prekey(d.record, pk, d.keys, codec, e);
  } else {
    PARLEY_TRY(auto sm, codec.decode_signal_message(m.wire));
    plan = protocol::plan_receive(d.record, sm, e);
  }
  if (!plan) return plan.error();
  d.keys.apply(plan->actions);
  core::Bytes plaintext = plan->plaintext();
  protocol::commit_receive(d.record, std::move(plan).value());
  return plaintext;
}

inline core::Result<protocol::OutgoingMessage> send_with(const protocol::MessageCodec& codec, Device& d,
                                                         std::string_view text) {
  return protocol::session_encrypt(d.record, core::as_bytes(text), codec);
}

// Alice with a session to Bob from Bob's bundle; nothing sent yet.
struct CapnpPair {
  StreamEntropy entropy;
  Device alice, bob;
  explicit CapnpPair(std::uint64_t seed, bool one_time = true)
      : entropy(seed), alice(make_device(entropy, 1)), bob(make_device(entropy, 2)) {
    started = protocol::start_session(alice.record, *alice.keys.identity_key, alice.keys.registration,
                                      bundle_of(bob, one_time), entropy)
                  .ok();
  }
  bool started = false;
  core::Result<core::Bytes> to_bob(std::string_view text) { return deliver(alice, bob, text); }
  core::Result<core::Bytes> to_alice(std::string_view text) { return deliver(bob, alice, text); }

 private:
  core::Result<core::Bytes> deliver(Device& from, Device& to, std::string_view text) {
    PARLEY_TRY(auto m, send_with(capnp_codec, from, text));
    return receive_with(capnp_codec, to, m, entropy);
  }
};

}  // namespace parley::testing
