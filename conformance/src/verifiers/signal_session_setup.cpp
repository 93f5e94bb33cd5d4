// Type `signal-session-setup`: X3DH and the first ratchet steps as libsignal computes them
// (spec §5.1, §5.3), down to the bytes of the first message.
#include "checks.h"
#include "parley/protocol/kdf.h"
#include "parley/protocol/ratchet.h"
#include "parley/wire/libsignal_codec.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

using crypto::X25519KeyPair;

// A key pair from a case's private key, checked against its 33-byte public key when present.
core::Result<X25519KeyPair> key_pair(const Case& c, const std::string& prefix) {
  PARLEY_TRY(const auto priv, c.bytes(prefix + "_private"));
  auto pair = crypto::x25519_key_pair_from_private(priv);
  if (!pair) return c.field_error(prefix + "_private", core::to_string(pair.error()));
  if (c.has(prefix + "_public")) {
    PARLEY_TRY(const auto pub, c.bytes(prefix + "_public"));
    if (pub != crypto::serialize_public_key(pair->public_key))
      return c.field_error(prefix + "_public", "does not match the private key");
  }
  return pair;
}

protocol::PreKeyBundle bundle_for(const X25519KeyPair& identity, const X25519KeyPair& signed_prekey) {
  protocol::PreKeyBundle b;
  b.identity_key = identity.public_key;
  b.signed_prekey = signed_prekey.public_key;
  return b;
}

core::Result<Outcome> verify_ratcheting_session(const Case& c) {
  if (c.has("one_time_prekey")) return Outcome::skip("one_time_prekey in a ratcheting-session case");
  PARLEY_TRY(const auto bob_identity, key_pair(c, "bob_identity"));
  PARLEY_TRY(const auto bob_signed, key_pair(c, "bob_signed_prekey"));
  // libsignal's test pairs this public key with a private key it does not derive from; the pair is
  // used as given (Bob's sending chain does not depend on it, Alice only sees the public half).
  PARLEY_TRY(const auto bob_ratchet_private, c.bytes("bob_ratchet_private"));
  PARLEY_TRY(const auto bob_ratchet_public, c.bytes("bob_ratchet_public"));
  auto bob_ratchet_key = crypto::parse_public_key(bob_ratchet_public);
  if (!bob_ratchet_key) return c.field_error("bob_ratchet_public", core::to_string(bob_ratchet_key.error()));
  const X25519KeyPair bob_ratchet{core::SecretBytes(bob_ratchet_private), *bob_ratchet_key};
  PARLEY_TRY(const auto alice_identity, key_pair(c, "alice_identity"));
  PARLEY_TRY(const auto alice_base, key_pair(c, "alice_base"));
  PARLEY_TRY(const auto expected_bob, c.bytes("expected_bob_sender_chain_key"));
  PARLEY_TRY(const auto expected_alice, c.bytes("expected_alice_receiver_chain_key_for_bob_ratchet"));

  auto bob = protocol::respond_session({bob_identity, bob_signed, nullptr, bob_ratchet, alice_identity.public_key,
                                        alice_base.public_key, {}, {}});
  if (!bob) return unexpected_error("Bob's session", bob.error());
  if (auto o = compare("bob sender chain key", expected_bob, bob->sender.chain.key.view()); failed(o)) return o;

  // Alice's own first sending ratchet key does not enter the receiver chain checked here.
  const auto bundle = bundle_for(bob_identity, bob_signed);
  auto alice = protocol::initiate_session({alice_identity, alice_base, alice_base, bundle, {}, &bob_ratchet.public_key});
  if (!alice) return unexpected_error("Alice's session", alice.error());
  return compare("alice receiver chain key", expected_alice, alice->receivers.front().chain.key.view());
}

core::Result<Outcome> verify_first_message(const Case& c) {
  PARLEY_TRY(const auto alice_identity, key_pair(c, "alice_identity"));
  PARLEY_TRY(const auto alice_base, key_pair(c, "alice_base"));
  PARLEY_TRY(const auto alice_ratchet, key_pair(c, "alice_sending_ratchet"));
  PARLEY_TRY(const auto bob_identity, key_pair(c, "bob_identity"));
  PARLEY_TRY(const auto bob_base, key_pair(c, "bob_base"));
  PARLEY_TRY(const auto plaintext, c.bytes("plaintext"));
  PARLEY_TRY(const auto expected_wire, c.bytes("expected_serialized_whisper_message"));

  const auto bundle = bundle_for(bob_identity, bob_base);
  auto x3dh = protocol::x3dh_initiator({alice_identity, alice_base, bundle.identity_key, bundle.signed_prekey,
                                        bundle.prekey});
  if (!x3dh) return unexpected_error("X3DH", x3dh.error());
  PARLEY_TRY(const auto expected_bob_root, c.bytes("expected_bob_root_key"));
  if (auto o = compare("bob root key", expected_bob_root, x3dh->root_key.view()); failed(o)) return o;

  auto alice = protocol::initiate_session({alice_identity, alice_base, alice_ratchet, bundle, {}});
  if (!alice) return unexpected_error("Alice's session", alice.error());
  PARLEY_TRY(const auto expected_root, c.bytes("expected_alice_root_key"));
  PARLEY_TRY(const auto expected_chain, c.bytes("expected_alice_sending_chain_key"));
  if (auto o = compare("alice root key", expected_root, alice->root_key.view()); failed(o)) return o;
  if (auto o = compare("alice sending chain key", expected_chain, alice->sender.chain.key.view()); failed(o)) return o;

  auto keys = protocol::kdf_message_keys(protocol::kdf_message_seed(alice->sender.chain.key));
  if (!keys) return unexpected_error("message keys", keys.error());
  PARLEY_TRY(const auto expected_cipher_key, c.bytes("expected_alice_msg0_cipher_key"));
  PARLEY_TRY(const auto expected_mac_key, c.bytes("expected_alice_msg0_mac_key"));
  PARLEY_TRY(const auto expected_iv, c.bytes("expected_alice_msg0_iv"));
  PARLEY_TRY(const auto expected_ciphertext, c.bytes("expected_ciphertext"));
  for (auto o : {compare("msg0 cipher key", expected_cipher_key, keys->cipher_key.view()),
                 compare("msg0 mac key", expected_mac_key, keys->mac_key.view()),
                 compare("msg0 iv", expected_iv, keys->iv.view())})
    if (failed(o)) return o;

  const wire::LibsignalCodec codec;
  auto wire = protocol::ratchet_encrypt(*alice, plaintext, codec);
  if (!wire) return unexpected_error("encrypt", wire.error());
  auto decoded = codec.decode_signal_message(*wire);
  if (!decoded) return unexpected_error("decoding our own message", decoded.error());
  if (auto o = compare("ciphertext", expected_ciphertext, decoded->fields.ciphertext); failed(o)) return o;
  return compare("serialized message", expected_wire, *wire);
}

}  // namespace

core::Result<Outcome> verify_signal_session_setup(const Case& c) {
  PARLEY_TRY(const auto kind, c.string("kind"));
  if (kind == "ratcheting-session") return verify_ratcheting_session(c);
  if (kind == "first-message") return verify_first_message(c);
  return unsupported_kind(kind);
}

}  // namespace parley::conformance::detail
