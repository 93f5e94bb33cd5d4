#include "parley/protocol/devices/device_identity.h"

#include <algorithm>

#include "parley/core/big_endian.h"

namespace parley::protocol::devices {

using core::Errc;

core::Bytes encode_device_identity(const DeviceIdentity& d) {
  core::Bytes out;
  out.reserve(kDeviceIdentitySize);
  core::append_be(out, d.account);
  core::append_be(out, d.device);
  core::append_be(out, d.key_index);
  core::append_be(out, d.timestamp_ms);
  return out;
}

core::Result<DeviceIdentity> decode_device_identity(core::BytesView bytes) {
  core::BigEndianReader in(bytes);
  DeviceIdentity d;
  d.account = in.read<std::uint64_t>();
  d.device = in.read<std::uint32_t>();
  d.key_index = in.read<std::uint32_t>();
  d.timestamp_ms = in.read<std::uint64_t>();
  if (!in.done()) return core::make_error(Errc::malformed, "device identity: not 24 bytes");
  return d;
}

core::Bytes account_signature_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion) {
  core::Bytes out(kAccountSignaturePrefix.begin(), kAccountSignaturePrefix.end());
  core::append(out, encode_device_identity(details));
  core::append(out, crypto::serialize_public_key(companion));
  return out;
}

core::Bytes device_signature_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion,
                                     const crypto::X25519PublicKey& primary) {
  core::Bytes out(kDeviceSignaturePrefix.begin(), kDeviceSignaturePrefix.end());
  core::append(out, encode_device_identity(details));
  core::append(out, crypto::serialize_public_key(companion));
  core::append(out, crypto::serialize_public_key(primary));
  return out;
}

core::Bytes encode_signed_device_identity(const SignedDeviceIdentity& identity) {
  core::Bytes out = encode_device_identity(identity.details);
  core::append(out, identity.account_signature);
  core::append(out, identity.device_signature);
  return out;
}

core::Result<SignedDeviceIdentity> decode_signed_device_identity(core::BytesView bytes) {
  if (bytes.size() != kSignedDeviceIdentitySize)
    return core::make_error(Errc::malformed, "signed device identity: not " + std::to_string(kSignedDeviceIdentitySize) + " bytes");
  SignedDeviceIdentity out;
  PARLEY_TRY(out.details, decode_device_identity(bytes.first(kDeviceIdentitySize)));
  const auto account = bytes.subspan(kDeviceIdentitySize, crypto::kSignatureSize);
  const auto device = bytes.subspan(kDeviceIdentitySize + crypto::kSignatureSize);
  std::copy(account.begin(), account.end(), out.account_signature.begin());
  std::copy(device.begin(), device.end(), out.device_signature.begin());
  return out;
}

core::Result<SignedDeviceIdentity> sign_device_identity(const DeviceIdentity& details, const crypto::X25519KeyPair& primary,
                                                        const crypto::X25519KeyPair& companion, crypto::Entropy& entropy) {
  SignedDeviceIdentity out{details, {}, {}};
  PARLEY_TRY(out.account_signature,
             crypto::xeddsa_sign(primary.private_key, account_signature_message(details, companion.public_key), entropy));
  PARLEY_TRY(out.device_signature,
             crypto::xeddsa_sign(companion.private_key,
                                 device_signature_message(details, companion.public_key, primary.public_key), entropy));
  return out;
}

core::Result<void> verify_device_identity(const SignedDeviceIdentity& identity, const crypto::X25519PublicKey& companion,
                                          const crypto::X25519PublicKey& primary) {
  if (!crypto::xeddsa_verify(primary, account_signature_message(identity.details, companion), identity.account_signature).ok())
    return core::make_error(Errc::bad_signature, "the account signature over the companion does not verify");
  if (!crypto::xeddsa_verify(companion, device_signature_message(identity.details, companion, primary), identity.device_signature).ok())
    return core::make_error(Errc::bad_signature, "the companion's device signature does not verify");
  return {};
}

}  // namespace parley::protocol::devices
