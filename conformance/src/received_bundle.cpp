#include "received_bundle.h"

#include <algorithm>

#include "parley/core/hex.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;

core::Result<std::uint32_t> read_u32(const Case& c, const char* field) {
  PARLEY_TRY(const auto v, c.uint(field));
  if (v > 0xffffffffu) return c.field_error(field, "must fit 32 bits");
  return static_cast<std::uint32_t>(v);
}

}  // namespace

ReceivedBundle ReceivedBundle::from(const protocol::PreKeyBundle& bundle) {
  ReceivedBundle out;
  out.registration_id = bundle.registration_id.value;
  out.identity_key = crypto::serialize_public_key(bundle.identity_key);
  out.signed_prekey_id = bundle.signed_prekey_id.value;
  out.signed_prekey = crypto::serialize_public_key(bundle.signed_prekey);
  out.signed_prekey_signature = bundle.signed_prekey_signature;
  if (bundle.prekey_id) out.one_time_prekey_id = bundle.prekey_id->value;
  if (bundle.prekey) out.one_time_prekey = crypto::serialize_public_key(*bundle.prekey);
  return out;
}

core::Result<protocol::PreKeyBundle> ReceivedBundle::parse() const {
  protocol::PreKeyBundle b;
  b.registration_id = protocol::RegistrationId{registration_id};
  b.device_id = 1;
  PARLEY_TRY(b.identity_key, crypto::parse_public_key(identity_key));
  b.signed_prekey_id = protocol::SignedPreKeyId{signed_prekey_id};
  PARLEY_TRY(b.signed_prekey, crypto::parse_public_key(signed_prekey));
  b.signed_prekey_signature = signed_prekey_signature;
  if (one_time_prekey_id) b.prekey_id = protocol::PreKeyId{*one_time_prekey_id};
  if (one_time_prekey) {
    PARLEY_TRY(auto key, crypto::parse_public_key(*one_time_prekey));
    b.prekey = key;
  }
  return b;
}

core::Result<ReceivedBundle> ReceivedBundle::read(const Case& c) {
  ReceivedBundle b;
  PARLEY_TRY(b.registration_id, read_u32(c, "bob_registration_id"));
  PARLEY_TRY(b.identity_key, c.bytes("bob_identity_public"));
  PARLEY_TRY(b.signed_prekey_id, read_u32(c, "bob_signed_prekey_id"));
  PARLEY_TRY(b.signed_prekey, c.bytes("bob_signed_prekey_public"));
  PARLEY_TRY(const auto signature, c.bytes("bob_signed_prekey_signature"));
  // A bundle's signature is a fixed 64-byte field; another length is a broken case, not a bundle.
  if (signature.size() != b.signed_prekey_signature.size())
    return c.field_error("bob_signed_prekey_signature", "must be 64 bytes");
  std::copy(signature.begin(), signature.end(), b.signed_prekey_signature.begin());
  if (c.has("bob_one_time_prekey_id")) {
    PARLEY_TRY(const auto id, read_u32(c, "bob_one_time_prekey_id"));
    b.one_time_prekey_id = id;
  }
  PARLEY_TRY(b.one_time_prekey, c.optional_bytes("bob_one_time_prekey_public"));
  return b;
}

void ReceivedBundle::write(Json& out) const {
  out["bob_registration_id"] = registration_id;
  out["bob_identity_public"] = core::to_hex(identity_key);
  out["bob_signed_prekey_id"] = signed_prekey_id;
  out["bob_signed_prekey_public"] = core::to_hex(signed_prekey);
  out["bob_signed_prekey_signature"] = core::to_hex(signed_prekey_signature);
  out["bob_one_time_prekey_id"] = one_time_prekey_id ? Json(*one_time_prekey_id) : Json(nullptr);
  out["bob_one_time_prekey_public"] = one_time_prekey ? Json(core::to_hex(*one_time_prekey)) : Json(nullptr);
}

}  // namespace parley::conformance::detail
