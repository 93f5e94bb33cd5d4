#include "parley/protocol/keys.h"

namespace parley::protocol {

core::Result<SignedPreKey> generate_signed_prekey(const X25519KeyPair& identity, SignedPreKeyId id,
                                                  crypto::Entropy& entropy) {
  PARLEY_TRY(auto key, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(auto signature,
             crypto::xeddsa_sign(identity.private_key, crypto::serialize_public_key(key.public_key), entropy));
  return SignedPreKey{id, std::move(key), signature};
}

core::Result<void> verify_bundle(const PreKeyBundle& bundle) {
  if (bundle.prekey_id.has_value() != bundle.prekey.has_value())
    return core::make_error(core::Errc::malformed, "one-time prekey id and key must come together");
  auto verified = crypto::xeddsa_verify(bundle.identity_key, crypto::serialize_public_key(bundle.signed_prekey),
                                        bundle.signed_prekey_signature);
  if (!verified) return core::make_error(core::Errc::bad_signature, "signed prekey signature does not verify");
  return {};
}

}  // namespace parley::protocol
