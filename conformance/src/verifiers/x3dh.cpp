// Type `x3dh` (spec/test-vectors.md §3.11). Kind `session` (a case without `kind`): X3DH on both
// sides, the session set-up and the first message, recomputed from the private keys; Bob must
// decrypt that message and spend the prekey. Kind `refused-bundle`: Alice must refuse the bundle
// with exactly the case's error and be left without a session.
#include "parley/protocol/x3dh.h"

#include "../received_bundle.h"
#include "../session_parties.h"
#include "checks.h"
#include "parley/wire/libsignal_codec.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

Outcome compare_public(std::string_view field, const core::Bytes& expected, const crypto::X25519PublicKey& key) {
  return compare(field, expected, crypto::serialize_public_key(key));
}

core::Result<Outcome> verify_session(const Case& c) {
  PARLEY_TRY(const auto expected_error, c.optional_errc("error"));
  if (expected_error)
    return c.field_error("error", "a session case succeeds; refused bundles are kind refused-bundle");
  PARLEY_TRY(auto parties, SessionParties::read(c));
  const auto bundle = parties.bundle();
  PARLEY_TRY(const auto random, c.bytes("bob_signed_prekey_signature_random"));
  auto signature = crypto::xeddsa_sign(parties.bob.identity_key->private_key,
                                       crypto::serialize_public_key(bundle.signed_prekey), random);
  if (!signature) return unexpected_error("signing the signed prekey", signature.error());
  if (auto o = compare("bob_signed_prekey_signature", bundle.signed_prekey_signature, *signature); failed(o)) return o;

  struct Expected {
    const char* field;
    crypto::X25519PublicKey key;
  };
  for (const auto& [field, key] : {Expected{"alice_identity_public", parties.alice_identity.public_key},
                                   Expected{"alice_base_public", parties.alice_base.public_key},
                                   Expected{"bob_identity_public", bundle.identity_key},
                                   Expected{"bob_signed_prekey_public", bundle.signed_prekey}}) {
    PARLEY_TRY(const auto expected, c.bytes(field));
    if (auto o = compare_public(field, expected, key); failed(o)) return o;
  }
  PARLEY_TRY(const auto expected_otk, c.optional_bytes("bob_one_time_prekey_public"));
  if (expected_otk.has_value() != bundle.prekey.has_value())
    return c.field_error("bob_one_time_prekey_public", "present exactly when the private key is");
  if (expected_otk)
    if (auto o = compare_public("bob_one_time_prekey_public", *expected_otk, *bundle.prekey); failed(o)) return o;

  PARLEY_TRY(const auto ad, c.bytes("associated_data"));
  if (auto o = compare("associated_data", ad,
                       core::concat(crypto::serialize_public_key(parties.alice_identity.public_key),
                                    crypto::serialize_public_key(bundle.identity_key)));
      failed(o))
    return o;

  auto initiator = protocol::x3dh_initiator(
      {parties.alice_identity, parties.alice_base, bundle.identity_key, bundle.signed_prekey, bundle.prekey});
  if (!initiator) return unexpected_error("X3DH (Alice)", initiator.error());
  auto responder = protocol::x3dh_responder({*parties.bob.identity_key, parties.bob_signed_prekey().key,
                                             parties.bob_one_time_prekey() ? &parties.bob_one_time_prekey()->key : nullptr,
                                             parties.alice_identity.public_key, parties.alice_base.public_key});
  if (!responder) return unexpected_error("X3DH (Bob)", responder.error());
  PARLEY_TRY(const auto root, c.bytes("x3dh_root_key"));
  PARLEY_TRY(const auto chain, c.bytes("x3dh_chain_key"));
  for (auto o : {compare("x3dh_root_key (Alice)", root, initiator->root_key.view()),
                 compare("x3dh_chain_key (Alice)", chain, initiator->chain_key.view()),
                 compare("x3dh_root_key (Bob)", root, responder->root_key.view()),
                 compare("x3dh_chain_key (Bob)", chain, responder->chain_key.view())})
    if (failed(o)) return o;

  auto alice = parties.alice_start();
  if (!alice) return unexpected_error("Alice's session", alice.error());
  PARLEY_TRY(const auto alice_root, c.bytes("alice_root_key"));
  PARLEY_TRY(const auto alice_chain, c.bytes("alice_sending_chain_key"));
  if (auto o = compare("alice_root_key", alice_root, alice->current->root_key.view()); failed(o)) return o;
  if (auto o = compare("alice_sending_chain_key", alice_chain, alice->current->sender.chain.key.view()); failed(o))
    return o;

  PARLEY_TRY(const auto plaintext, c.bytes("plaintext"));
  PARLEY_TRY(const auto first_wire, c.bytes("first_message"));
  PARLEY_TRY(const auto first_type, read_message_type(c, "first_message_type"));
  auto first = protocol::session_encrypt(*alice, plaintext, wire::LibsignalCodec{});
  if (!first) return unexpected_error("Alice's first message", first.error());
  if (first->type != first_type) return Outcome::fail("first message type differs");
  if (auto o = compare("first_message", first_wire, first->wire); failed(o)) return o;

  PARLEY_TRY(const auto bob_ratchet, c.bytes("bob_ratchet_private"));
  crypto::ScriptedEntropy bob_entropy(bob_ratchet);
  protocol::SessionRecord bob;
  const bool had_one_time = parties.bob_one_time_prekey() != nullptr;
  auto received = deliver(bob, parties.bob, first_type, first_wire, bob_entropy);
  if (!received) return unexpected_error("Bob receiving the first message", received.error());
  if (auto o = compare("plaintext received by Bob", plaintext, *received); failed(o)) return o;
  if (had_one_time && parties.bob_one_time_prekey() != nullptr) return Outcome::fail("one-time prekey not consumed");
  if (bob_entropy.remaining() != 0) return Outcome::fail("bob_ratchet_private was not drawn");
  return Outcome::pass();
}

core::Result<crypto::X25519KeyPair> read_private(const Case& c, const char* field) {
  PARLEY_TRY(const auto priv, c.bytes(field));
  auto pair = crypto::x25519_key_pair_from_private(priv);
  if (!pair) return c.field_error(field, core::to_string(pair.error()));
  return pair;
}

// Alice's inputs and the bundle as she receives it: parsing its keys (protocol §3.1), verifying it
// (§4.3) and X3DH (§5.1) happen in that order, and the first failure is the one the case names.
core::Result<Outcome> verify_refused_bundle(const Case& c) {
  PARLEY_TRY(const auto expected, c.optional_errc("error"));
  if (!expected) return c.field_error("error", "a refused bundle names the error it must be refused with");
  PARLEY_TRY(const auto identity, read_private(c, "alice_identity_private"));
  PARLEY_TRY(const auto base, read_private(c, "alice_base_private"));
  PARLEY_TRY(const auto ratchet, read_private(c, "alice_ratchet_private"));
  PARLEY_TRY(const auto registration, c.uint("alice_registration_id"));
  if (registration > 0xffffffffu) return c.field_error("alice_registration_id", "must fit 32 bits");
  PARLEY_TRY(const auto received, ReceivedBundle::read(c));

  auto bundle = received.parse();
  if (!bundle) return judge_expected_error(c, bundle.error());
  protocol::SessionRecord record;
  crypto::ScriptedEntropy keys(core::concat(base.private_key.view(), ratchet.private_key.view()));
  auto started = protocol::start_session(
      record, identity, protocol::RegistrationId{static_cast<std::uint32_t>(registration)}, *bundle, keys);
  if (started)
    return Outcome::fail("Alice accepted the bundle; the case expects " +
                         std::string(core::errc_name(*expected)));
  // A failed operation has no effect (protocol §2.3).
  if (record.current || !record.archived.empty())
    return Outcome::fail("a refused bundle left a session behind");
  return judge_expected_error(c, started.error());
}

}  // namespace

core::Result<Outcome> verify_x3dh(const Case& c) {
  PARLEY_TRY(const auto kind, c.optional_string("kind"));
  if (!kind || *kind == "session") return verify_session(c);
  if (*kind == "refused-bundle") return verify_refused_bundle(c);
  return unsupported_kind(*kind);
}

}  // namespace parley::conformance::detail
