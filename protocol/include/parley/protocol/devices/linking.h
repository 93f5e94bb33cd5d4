// Linking a companion by QR code (spec §8.2), as two pure state machines with no I/O and no clock
// (the caller passes the time):
//
//   companion                                  primary
//   CompanionLinker::start  -- QR text -->     PrimaryLinker::scan      (fresh? seen before? signed?)
//                                              ... linkDevice at the server: the device id ...
//                           <-- approval --    PrimaryLinker::approve   (account signature, MAC)
//   CompanionLinker::on_approval                                        (MAC with the link secret,
//                           -- identity -->    PrimaryLinker::confirm   account signature; then
//                                              ... putDeviceList ...     the device signature)
//
// The approval travels through the server, which cannot forge it: it is MACed with the link secret
// that only the QR code carried. The confirmation carries both signatures; a peer checks them with
// verify_device_identity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/devices/device_identity.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/devices/link_offer.h"

namespace parley::protocol::devices {

// details (24) || primary identity (33) || account signature (64) || MAC (32), where
// MAC = HMAC-SHA256(link secret, 0x06 0x03 || details || companion identity (33) || primary identity
// (33) || account signature).
inline constexpr std::size_t kLinkApprovalSize = kDeviceIdentitySize + 33 + crypto::kSignatureSize + 32;

// The to-be-MACed bytes of an approval.
core::Bytes link_approval_mac_message(const DeviceIdentity& details, const crypto::X25519PublicKey& companion,
                                      const crypto::X25519PublicKey& primary, const crypto::Signature& account_signature);

class PrimaryLinker {
 public:
  // `next_key_index` is part of the primary's persisted state: every linked device gets a new one.
  PrimaryLinker(crypto::X25519KeyPair identity, std::uint64_t account, std::uint32_t next_key_index);

  // A scanned QR text: `expired` after its expiry, `replayed` if scanned before (while it was
  // valid), the parse errors of parse_link_offer. On success the offer is pending.
  core::Result<LinkOffer> scan(std::string_view qr_text, std::uint64_t now_ms);
  // The server linked the pending companion as `device`: the approval for the companion.
  // `malformed` without a pending offer.
  core::Result<core::Bytes> approve(std::uint32_t device, std::uint64_t now_ms, crypto::Entropy& entropy);
  // The companion's signed identity: both signatures and the details approved, else
  // `bad_signature` / `malformed`. Returns the new signed device list: `current` plus the
  // companion, version + 1 (`limit_exceeded` past kMaxDevicesPerAccount).
  core::Result<core::Bytes> confirm(core::BytesView signed_identity, const DeviceList& current, std::uint64_t now_ms,
                                    crypto::Entropy& entropy);
  // The signed list without `device`, version + 1 (`malformed` for the primary, `not_found`).
  core::Result<core::Bytes> remove(std::uint32_t device, const DeviceList& current, std::uint64_t now_ms,
                                   crypto::Entropy& entropy) const;

  std::uint32_t next_key_index() const { return next_key_index_; }
  // The confirmed companion's signed identity, as peers will ask for it.
  const std::optional<SignedDeviceIdentity>& linked() const { return linked_; }

 private:
  struct Seen {
    crypto::Sha256Digest text_hash;
    std::uint64_t expires_at_ms;
  };
  crypto::X25519KeyPair identity_;
  std::uint64_t account_;
  std::uint32_t next_key_index_;
  std::vector<Seen> seen_;  // offers scanned and not yet expired: bounded by what one minute allows
  std::optional<LinkOffer> pending_;
  std::optional<DeviceIdentity> approved_;
  std::optional<SignedDeviceIdentity> linked_;
};

// What a companion learns when it is linked.
struct LinkResult {
  std::uint64_t account = 0;
  std::uint32_t device = 0;
  crypto::X25519PublicKey primary_identity{};
  core::Bytes signed_identity;  // encode_signed_device_identity: for the primary, and for peers
};

class CompanionLinker {
 public:
  // A fresh link secret from `entropy`; the offer expires kLinkOfferLifetimeMs after `now_ms`.
  static core::Result<CompanionLinker> start(crypto::X25519KeyPair identity, crypto::X25519PublicKey noise_key,
                                             std::uint32_t registration_id, core::Bytes server_ref,
                                             std::uint64_t now_ms, crypto::Entropy& entropy);

  const LinkOffer& offer() const { return offer_; }
  std::string qr_text() const { return encode_link_offer(offer_); }
  // The primary's approval: `bad_signature` for a MAC that does not verify (a wrong link secret)
  // or a bad account signature, `malformed` for bad bytes, `replayed` once already linked.
  core::Result<LinkResult> on_approval(core::BytesView approval, crypto::Entropy& entropy);
  bool linked() const { return linked_; }

 private:
  CompanionLinker(crypto::X25519KeyPair identity, LinkOffer offer) : identity_(std::move(identity)), offer_(std::move(offer)) {}
  crypto::X25519KeyPair identity_;
  LinkOffer offer_;
  bool linked_ = false;
};

}  // namespace parley::protocol::devices
