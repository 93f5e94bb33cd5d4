#include "parley/protocol/devices/linking.h"

#include <algorithm>

#include "parley/crypto/hmac.h"

namespace parley::protocol::devices {

using core::Errc;

core::Bytes link_approval_mac_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion,
                                      const crypto::X25519PublicKey& primary, const crypto::Signature& account_signature) {
  core::Bytes out(kLinkApprovalPrefix.begin(), kLinkApprovalPrefix.end());
  core::append(out, encode_device_identity(details));
  core::append(out, crypto::serialize_public_key(companion));
  core::append(out, crypto::serialize_public_key(primary));
  core::append(out, account_signature);
  return out;
}

// --- The primary -------------------------------------------------------------------------------

PrimaryLinker::PrimaryLinker(crypto::X25519KeyPair identity, std::uint64_t account, std::uint32_t next_key_index)
    : identity_(std::move(identity)), account_(account), next_key_index_(std::max<std::uint32_t>(next_key_index, 1)) {}

core::Result<LinkOffer> PrimaryLinker::scan(std::string_view qr_text, std::uint64_t now_ms) {
  PARLEY_TRY(auto offer, parse_link_offer(qr_text));
  if (now_ms > offer.expires_at_ms) return core::make_error(Errc::expired, "link offer: the QR code has expired");
  if (offer.expires_at_ms - now_ms > kLinkOfferLifetimeMs)
    return core::make_error(Errc::expired, "link offer: valid for longer than a QR code may be");
  // Expired offers can be forgotten: they are refused above anyway. What is left is bounded.
  std::erase_if(seen_, [&](const Seen& s) { return s.expires_at_ms < now_ms; });
  const auto hash = crypto::sha256(core::as_bytes(qr_text));
  if (std::any_of(seen_.begin(), seen_.end(), [&](const Seen& s) { return s.text_hash == hash; }))
    return core::make_error(Errc::replayed, "link offer: this QR code was scanned before");
  seen_.push_back({hash, offer.expires_at_ms});
  approved_.reset();
  pending_ = offer;
  return offer;
}

core::Result<core::Bytes> PrimaryLinker::approve(std::uint32_t device, std::uint64_t now_ms, crypto::Entropy& entropy) {
  if (!pending_) return core::make_error(Errc::malformed, "link: no scanned offer to approve");
  if (device == kPrimaryDevice) return core::make_error(Errc::malformed, "link: a companion is never device 1");
  const DeviceIdentity details{account_, device, next_key_index_, now_ms};
  PARLEY_TRY(const auto account_signature,
             crypto::xeddsa_sign(identity_.private_key, account_signature_message(details, pending_->identity_key), entropy));
  const auto mac = crypto::hmac_sha256(
      pending_->link_secret.view(),
      link_approval_mac_message(details, pending_->identity_key, identity_.public_key, account_signature));
  core::Bytes out = encode_device_identity(details);
  core::append(out, crypto::serialize_public_key(identity_.public_key));
  core::append(out, account_signature);
  core::append(out, mac);
  approved_ = details;
  ++next_key_index_;  // spent even if the companion never confirms: key indexes are never reused
  return out;
}

core::Result<core::Bytes> PrimaryLinker::confirm(core::BytesView signed_identity, const DeviceList& current,
                                                 std::uint64_t now_ms, crypto::Entropy& entropy) {
  if (!pending_ || !approved_) return core::make_error(Errc::malformed, "link: nothing approved to confirm");
  PARLEY_TRY(const auto identity, decode_signed_device_identity(signed_identity));
  if (identity.details != *approved_) return core::make_error(Errc::malformed, "link: the confirmation names other details");
  PARLEY_CHECK(verify_device_identity(identity, pending_->identity_key, identity_.public_key));
  if (current.devices.size() >= kMaxDevicesPerAccount)
    return core::make_error(Errc::limit_exceeded, "link: the account already has the most devices it may");
  // The server chose the device id: one the list already names is not the companion's to take
  // (a device is removed, from the list first, before its id is linked again).
  if (current.find(approved_->device) != nullptr)
    return core::make_error(Errc::conflict, "link: the device id is another device's in the list");
  DeviceList next = current;
  next.devices.push_back({approved_->device, approved_->key_index, pending_->identity_key});
  std::sort(next.devices.begin(), next.devices.end(), [](const auto& a, const auto& b) { return a.device < b.device; });
  next.version = current.version + 1;
  next.timestamp_ms = now_ms;
  PARLEY_TRY(auto signed_list, sign_device_list(next, identity_, entropy));
  linked_ = identity;
  pending_.reset();
  approved_.reset();
  return signed_list;
}

core::Result<core::Bytes> PrimaryLinker::remove(std::uint32_t device, const DeviceList& current, std::uint64_t now_ms,
                                                crypto::Entropy& entropy) const {
  if (device == kPrimaryDevice) return core::make_error(Errc::malformed, "the primary device cannot be removed");
  if (current.find(device) == nullptr) return core::make_error(Errc::not_found, "no such device in the list");
  DeviceList next = current;
  std::erase_if(next.devices, [&](const DeviceListEntry& e) { return e.device == device; });
  next.version = current.version + 1;
  next.timestamp_ms = now_ms;
  return sign_device_list(next, identity_, entropy);
}

// --- The companion -----------------------------------------------------------------------------

core::Result<CompanionLinker> CompanionLinker::start(crypto::X25519KeyPair identity, crypto::X25519PublicKey noise_key,
                                                     std::uint32_t registration_id, core::Bytes server_ref,
                                                     std::uint64_t now_ms, crypto::Entropy& entropy) {
  if (server_ref.empty() || server_ref.size() > kMaxServerRefSize)
    return core::make_error(Errc::malformed, "link offer: the server ref must be 1 to 32 bytes");
  LinkOffer offer;
  offer.server_ref = std::move(server_ref);
  offer.noise_key = noise_key;
  offer.identity_key = identity.public_key;
  PARLEY_TRY(offer.noise_key_signature, crypto::xeddsa_sign(identity.private_key, noise_key, entropy));
  core::SecretArray<kLinkSecretSize> secret;
  PARLEY_CHECK(entropy.fill({secret.data(), secret.size()}));
  offer.link_secret = secret;
  offer.registration_id = registration_id;
  offer.expires_at_ms = now_ms + kLinkOfferLifetimeMs;
  return CompanionLinker(std::move(identity), std::move(offer));
}

core::Result<LinkResult> CompanionLinker::on_approval(core::BytesView approval, crypto::Entropy& entropy) {
  if (linked_) return core::make_error(Errc::replayed, "link: already linked");
  if (approval.size() != kLinkApprovalSize) return core::make_error(Errc::malformed, "link approval: wrong size");
  PARLEY_TRY(const auto details, decode_device_identity(approval.first(kDeviceIdentitySize)));
  PARLEY_TRY(const auto primary, crypto::parse_public_key(approval.subspan(kDeviceIdentitySize, 33)));
  crypto::Signature account_signature{};
  const auto signature_bytes = approval.subspan(kDeviceIdentitySize + 33, crypto::kSignatureSize);
  std::copy(signature_bytes.begin(), signature_bytes.end(), account_signature.begin());
  const auto mac = approval.last(32);
  if (!crypto::hmac_sha256_verify(offer_.link_secret.view(),
                                  link_approval_mac_message(details, offer_.identity_key, primary, account_signature), mac)
           .ok())
    return core::make_error(Errc::bad_signature, "link approval: the MAC does not verify (not our QR code's secret)");
  if (!crypto::xeddsa_verify(primary, account_signature_message(details, offer_.identity_key), account_signature).ok())
    return core::make_error(Errc::bad_signature, "link approval: the account signature does not verify");
  if (details.device == kPrimaryDevice) return core::make_error(Errc::malformed, "link approval: names device 1");
  SignedDeviceIdentity identity{details, account_signature, {}};
  PARLEY_TRY(identity.device_signature,
             crypto::xeddsa_sign(identity_.private_key, device_signature_message(details, offer_.identity_key, primary), entropy));
  linked_ = true;
  return LinkResult{details.account, details.device, primary, encode_signed_device_identity(identity)};
}

}  // namespace parley::protocol::devices
