#include "parley/transport/prekey_bundle_codec.h"

#include <algorithm>

namespace parley::transport {

namespace {

core::BytesView view(capnp::Data::Reader d) { return {d.begin(), d.size()}; }

}  // namespace

core::Result<std::optional<protocol::PreKeyBundle>> read_prekey_bundle(wire::PreKeyBundle::Reader w) {
  protocol::PreKeyBundle b;
  b.registration_id = protocol::RegistrationId{w.getRegistrationId()};
  b.device_id = w.getDeviceId();
  PARLEY_TRY(b.identity_key, crypto::parse_public_key(view(w.getIdentityKey())));
  if (!w.hasSignedPreKey()) return std::optional<protocol::PreKeyBundle>{};
  auto s = w.getSignedPreKey();
  b.signed_prekey_id = protocol::SignedPreKeyId{s.getId()};
  PARLEY_TRY(b.signed_prekey, crypto::parse_public_key(view(s.getPublicKey())));
  if (s.getSignature().size() != b.signed_prekey_signature.size())
    return core::make_error(core::Errc::malformed, "a signed prekey signature of the wrong size");
  std::copy(s.getSignature().begin(), s.getSignature().end(), b.signed_prekey_signature.begin());
  if (w.hasOneTimePreKey()) {
    auto k = w.getOneTimePreKey();
    b.prekey_id = protocol::PreKeyId{k.getId()};
    PARLEY_TRY(b.prekey, crypto::parse_public_key(view(k.getPublicKey())));
  }
  return std::optional<protocol::PreKeyBundle>(b);
}

void write_prekey_bundle(wire::PreKeyBundle::Builder out, const protocol::PreKeyBundle& b, std::uint64_t incarnation) {
  const auto identity = crypto::serialize_public_key(b.identity_key);
  const auto signed_prekey = crypto::serialize_public_key(b.signed_prekey);
  out.setDeviceId(b.device_id);
  out.setIncarnation(incarnation);
  out.setRegistrationId(b.registration_id.value);
  out.setIdentityKey({identity.data(), identity.size()});
  auto s = out.initSignedPreKey();
  s.setId(b.signed_prekey_id.value);
  s.setPublicKey({signed_prekey.data(), signed_prekey.size()});
  s.setSignature({b.signed_prekey_signature.data(), b.signed_prekey_signature.size()});
  if (b.prekey_id && b.prekey) {
    const auto one_time = crypto::serialize_public_key(*b.prekey);
    auto k = out.initOneTimePreKey();
    k.setId(b.prekey_id->value);
    k.setPublicKey({one_time.data(), one_time.size()});
  }
}

}  // namespace parley::transport
