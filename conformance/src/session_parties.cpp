#include "session_parties.h"

#include "parley/core/hex.h"
#include "parley/wire/libsignal_codec.h"

namespace parley::conformance::detail {

namespace {

core::Result<crypto::X25519KeyPair> derive_key(const LabelledSeed& seed, const std::string& id, const char* label) {
  return crypto::x25519_key_pair_from_private(seed.derive(id + "/" + label, crypto::kX25519KeySize));
}

core::Result<crypto::X25519KeyPair> read_key(const Case& c, const std::string& field) {
  PARLEY_TRY(const auto priv, c.bytes(field));
  auto pair = crypto::x25519_key_pair_from_private(priv);
  if (!pair) return c.field_error(field, core::to_string(pair.error()));
  return pair;
}

core::Result<std::uint32_t> read_u32(const Case& c, const std::string& field) {
  PARLEY_TRY(const auto v, c.uint(field));
  if (v > 0xffffffffu) return c.field_error(field, "must fit 32 bits");
  return static_cast<std::uint32_t>(v);
}

std::string hex_key(const crypto::X25519KeyPair& k) { return core::to_hex(k.private_key.view()); }

}  // namespace

protocol::PreKeyBundle SessionParties::bundle() const {
  protocol::PreKeyBundle b;
  b.registration_id = bob.registration;
  b.device_id = 1;
  b.identity_key = bob.identity_key->public_key;
  const auto& spk = bob_signed_prekey();
  b.signed_prekey_id = spk.id;
  b.signed_prekey = spk.key.public_key;
  b.signed_prekey_signature = spk.signature;
  if (const auto* otk = bob_one_time_prekey()) {
    b.prekey_id = otk->id;
    b.prekey = otk->key.public_key;
  }
  return b;
}

core::Result<protocol::SessionRecord> SessionParties::alice_start() const {
  protocol::SessionRecord record;
  crypto::ScriptedEntropy keys(core::concat(alice_base.private_key.view(), alice_ratchet.private_key.view()));
  PARLEY_CHECK(protocol::start_session(record, alice_identity, alice_registration, bundle(), keys));
  return record;
}

core::Result<SessionParties> SessionParties::derive(const LabelledSeed& seed, const std::string& id,
                                                    bool one_time_prekey) {
  Ids ids;
  if (!one_time_prekey) ids.one_time_prekey.reset();
  return derive(seed, id, ids);
}

core::Result<SessionParties> SessionParties::derive(const LabelledSeed& seed, const std::string& id,
                                                    const Ids& ids) {
  SessionParties p;
  PARLEY_TRY(p.alice_identity, derive_key(seed, id, "alice-identity"));
  PARLEY_TRY(p.alice_base, derive_key(seed, id, "alice-base"));
  PARLEY_TRY(p.alice_ratchet, derive_key(seed, id, "alice-ratchet"));
  p.alice_registration = protocol::RegistrationId{ids.alice_registration};
  PARLEY_TRY(auto bob_identity, derive_key(seed, id, "bob-identity"));
  PARLEY_TRY(auto spk, derive_key(seed, id, "bob-signed-prekey"));
  const auto random = seed.derive(id + "/bob-signed-prekey-random", crypto::kSignatureRandomSize);
  PARLEY_TRY(auto signature,
             crypto::xeddsa_sign(bob_identity.private_key, crypto::serialize_public_key(spk.public_key), random));
  p.bob.identity_key = std::move(bob_identity);
  p.bob.registration = protocol::RegistrationId{ids.bob_registration};
  p.bob.signed_prekeys.emplace(ids.signed_prekey,
                               protocol::SignedPreKey{{ids.signed_prekey}, std::move(spk), signature});
  if (ids.one_time_prekey) {
    PARLEY_TRY(auto otk, derive_key(seed, id, "bob-one-time-prekey"));
    p.bob.one_time_prekeys.emplace(*ids.one_time_prekey,
                                   protocol::OneTimePreKey{{*ids.one_time_prekey}, std::move(otk)});
  }
  return p;
}

core::Result<SessionParties> SessionParties::read(const Case& c) {
  SessionParties p;
  PARLEY_TRY(p.alice_identity, read_key(c, "alice_identity_private"));
  PARLEY_TRY(p.alice_base, read_key(c, "alice_base_private"));
  PARLEY_TRY(p.alice_ratchet, read_key(c, "alice_ratchet_private"));
  PARLEY_TRY(p.alice_registration.value, read_u32(c, "alice_registration_id"));
  PARLEY_TRY(p.bob.identity_key, read_key(c, "bob_identity_private"));
  PARLEY_TRY(p.bob.registration.value, read_u32(c, "bob_registration_id"));
  PARLEY_TRY(const auto spk_id, read_u32(c, "bob_signed_prekey_id"));
  PARLEY_TRY(auto spk, read_key(c, "bob_signed_prekey_private"));
  PARLEY_TRY(const auto signature, c.bytes("bob_signed_prekey_signature"));
  if (signature.size() != crypto::kSignatureSize) return c.field_error("bob_signed_prekey_signature", "must be 64 bytes");
  protocol::SignedPreKey signed_prekey{{spk_id}, std::move(spk), {}};
  std::copy(signature.begin(), signature.end(), signed_prekey.signature.begin());
  p.bob.signed_prekeys.emplace(spk_id, std::move(signed_prekey));
  // Bob holds both or neither; an id without its key (or the reverse) is a broken case here. The
  // x3dh kind refused-bundle is where a bundle with only one of them is tested (spec §4.3).
  if (c.has("bob_one_time_prekey_id") != c.has("bob_one_time_prekey_private"))
    return c.field_error("bob_one_time_prekey_id", "present exactly when bob_one_time_prekey_private is");
  if (c.has("bob_one_time_prekey_private")) {
    PARLEY_TRY(const auto otk_id, read_u32(c, "bob_one_time_prekey_id"));
    PARLEY_TRY(auto otk, read_key(c, "bob_one_time_prekey_private"));
    p.bob.one_time_prekeys.emplace(otk_id, protocol::OneTimePreKey{{otk_id}, std::move(otk)});
  }
  return p;
}

void SessionParties::write(nlohmann::ordered_json& out) const {
  out["alice_identity_private"] = hex_key(alice_identity);
  out["alice_base_private"] = hex_key(alice_base);
  out["alice_ratchet_private"] = hex_key(alice_ratchet);
  out["alice_registration_id"] = alice_registration.value;
  out["bob_identity_private"] = hex_key(*bob.identity_key);
  out["bob_registration_id"] = bob.registration.value;
  const auto& spk = bob_signed_prekey();
  out["bob_signed_prekey_id"] = spk.id.value;
  out["bob_signed_prekey_private"] = hex_key(spk.key);
  out["bob_signed_prekey_signature"] = core::to_hex(spk.signature);
  const auto* otk = bob_one_time_prekey();
  out["bob_one_time_prekey_id"] = otk ? nlohmann::ordered_json(otk->id.value) : nlohmann::ordered_json(nullptr);
  out["bob_one_time_prekey_private"] = otk ? nlohmann::ordered_json(hex_key(otk->key)) : nlohmann::ordered_json(nullptr);
}

std::string_view message_type_name(protocol::MessageType type) {
  return type == protocol::MessageType::prekey ? "prekey" : "whisper";
}

core::Result<protocol::MessageType> read_message_type(const Case& c, std::string_view field) {
  PARLEY_TRY(const auto name, c.string(field));
  if (name == "prekey") return protocol::MessageType::prekey;
  if (name == "whisper") return protocol::MessageType::whisper;
  return c.field_error(field, "must be \"prekey\" or \"whisper\"");
}

core::Result<core::Bytes> deliver(protocol::SessionRecord& record, protocol::MemoryPreKeyStore& keys,
                                  protocol::MessageType type, core::BytesView wire, crypto::Entropy& entropy) {
  static const wire::LibsignalCodec codec;
  PARLEY_TRY(auto plan, protocol::plan_receive_wire(record, type, wire, keys, codec, entropy));
  for (const auto& action : plan.actions)
    if (std::holds_alternative<protocol::IdentityChanged>(action))
      return core::make_error(core::Errc::untrusted_identity, "unexpected identity change");
  keys.apply(plan.actions);
  core::Bytes plaintext = plan.plaintext();
  protocol::commit_receive(record, std::move(plan));
  return plaintext;
}

}  // namespace parley::conformance::detail
