#include "parley/protocol/x3dh.h"

#include <algorithm>

#include "parley/crypto/hkdf.h"

namespace parley::protocol {
namespace {

// 0xFF*32 in front of the DH outputs: libsignal's discontinuity bytes, so that the X3DH input can
// never collide with an X25519 output used elsewhere (the X3DH paper's F).
core::Result<X3dhSecret> derive(const core::SecretBytes* dh[], std::size_t count) {
  core::SecretBytes ikm(32 + 32 * count);
  std::fill_n(ikm.data(), 32, 0xff);
  for (std::size_t i = 0; i < count; ++i) std::copy_n(dh[i]->data(), 32, ikm.data() + 32 + 32 * i);
  static constexpr std::array<std::uint8_t, 32> kZeroSalt{};
  PARLEY_TRY(auto okm, crypto::hkdf_sha256(ikm.view(), kZeroSalt, core::as_bytes("WhisperText"), 64));
  return X3dhSecret{core::Key32(okm.view().subspan(0, 32)), core::Key32(okm.view().subspan(32, 32))};
}

}  // namespace

core::Result<X3dhSecret> x3dh_initiator(const X3dhInitiatorInput& in) {
  PARLEY_TRY(auto dh1, crypto::x25519_agree(in.our_identity.private_key, in.their_signed_prekey));
  PARLEY_TRY(auto dh2, crypto::x25519_agree(in.our_base_key.private_key, in.their_identity));
  PARLEY_TRY(auto dh3, crypto::x25519_agree(in.our_base_key.private_key, in.their_signed_prekey));
  if (!in.their_one_time_prekey) {
    const core::SecretBytes* dh[] = {&dh1, &dh2, &dh3};
    return derive(dh, 3);
  }
  PARLEY_TRY(auto dh4, crypto::x25519_agree(in.our_base_key.private_key, *in.their_one_time_prekey));
  const core::SecretBytes* dh[] = {&dh1, &dh2, &dh3, &dh4};
  return derive(dh, 4);
}

core::Result<X3dhSecret> x3dh_responder(const X3dhResponderInput& in) {
  PARLEY_TRY(auto dh1, crypto::x25519_agree(in.our_signed_prekey.private_key, in.their_identity));
  PARLEY_TRY(auto dh2, crypto::x25519_agree(in.our_identity.private_key, in.their_base_key));
  PARLEY_TRY(auto dh3, crypto::x25519_agree(in.our_signed_prekey.private_key, in.their_base_key));
  if (in.our_one_time_prekey == nullptr) {
    const core::SecretBytes* dh[] = {&dh1, &dh2, &dh3};
    return derive(dh, 3);
  }
  PARLEY_TRY(auto dh4, crypto::x25519_agree(in.our_one_time_prekey->private_key, in.their_base_key));
  const core::SecretBytes* dh[] = {&dh1, &dh2, &dh3, &dh4};
  return derive(dh, 4);
}

}  // namespace parley::protocol
