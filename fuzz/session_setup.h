// Fixed parties for the session fuzz targets: the keys of spec/vectors/x3dh.json's first case, so
// that the vector's first message is a valid seed. Built once per process.
#pragma once

#include <string_view>

#include "parley/core/hex.h"
#include "parley/protocol/memory_prekey_store.h"
#include "parley/protocol/session.h"
#include "parley/wire/libsignal_codec.h"

namespace parley::fuzz {

inline crypto::X25519KeyPair key(std::string_view hex) {
  return crypto::x25519_key_pair_from_private(core::from_hex(hex).value()).value();
}

struct FixedParties {
  wire::LibsignalCodec codec;
  protocol::MemoryPreKeyStore bob;
  protocol::SessionRecord alice;        // Alice just after starting her session from Bob's bundle
  protocol::SessionRecord established;  // Alice after Bob's first reply: no prekey state left
  protocol::SessionRecord bob_session;  // Bob after Alice's first message

  FixedParties() {
    bob.identity_key = key("f8c80e2a78c453a0e687c44a3d38ecec7dd456f951eb4bf56e9f4deb6f8cbe66");
    bob.registration = protocol::RegistrationId{2002};
    protocol::SignedPreKey spk{{77}, key("30e8d8f403df4497316f20f200e7c2a5da843d6d62a96f0f6267d07080db075b"), {}};
    const auto sig = core::from_hex(
                         "355890dd4af5f62d3f0bd37fda4b1e23001a88193a8074fae5b3dc36ffaa10d68e092593150515f847ca2c61ea06aa"
                         "5472dcb92b3e12fc04a79b6fdecbb9c88b")
                         .value();
    std::copy(sig.begin(), sig.end(), spk.signature.begin());
    bob.signed_prekeys.emplace(77, spk);
    bob.one_time_prekeys.emplace(
        4242, protocol::OneTimePreKey{{4242}, key("80a8d3e87937e2b6b449c0a5b4886237047174660485a8f699f87faa7728e648")});

    protocol::PreKeyBundle bundle{bob.registration, 1, bob.identity_key->public_key, spk.id, spk.key.public_key,
                                  spk.signature, protocol::PreKeyId{4242},
                                  bob.one_time_prekeys.begin()->second.key.public_key};
    crypto::ScriptedEntropy alice_keys(core::from_hex("089fec667b18d4534ebf4ffd9e7181646cf1ab7f00a857b95ce8618ba345877a"
                                                      "288bff8c07297e4d26f262ea2a9ac0c73cd8d6635c82f55799ae718977d58a52")
                                           .value());
    const auto alice_identity = key("08571ff4bd4ad19cbfece216940301bf913381184027d8931bcb99e4867a7c51");
    (void)protocol::start_session(alice, alice_identity, protocol::RegistrationId{1001}, bundle, alice_keys);

    // One round trip, so `established` holds a session with chains in both directions.
    established = alice;
    auto first = protocol::session_encrypt(established, core::as_bytes("hello"), codec).value();
    protocol::MemoryPreKeyStore bob_keys = bob;
    crypto::ScriptedEntropy bob_ratchet(core::Bytes(32, 0x42));
    auto plan = protocol::plan_receive_wire(bob_session, first.type, first.wire, bob_keys, codec, bob_ratchet).value();
    protocol::commit_receive(bob_session, std::move(plan));
    auto reply = protocol::session_encrypt(bob_session, core::as_bytes("hi"), codec).value();
    crypto::ScriptedEntropy alice_ratchet(core::Bytes(32, 0x24));
    auto back = protocol::plan_receive_wire(established, reply.type, reply.wire, bob_keys, codec, alice_ratchet).value();
    protocol::commit_receive(established, std::move(back));
  }
};

inline const FixedParties& fixed_parties() {
  static const FixedParties parties;
  return parties;
}

// Flips the bits the input names: pairs of bytes (position hi, lo) modulo the message length.
inline void flip_bits(core::Bytes& wire, const std::uint8_t* data, std::size_t size) {
  if (wire.empty()) return;
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    const std::size_t pos = ((static_cast<std::size_t>(data[i]) << 8) | data[i + 1]) % (wire.size() * 8);
    wire[pos / 8] ^= static_cast<std::uint8_t>(1u << (pos % 8));
  }
}

}  // namespace parley::fuzz
