// The QR code a companion shows to be linked (spec §8.1): everything the primary needs to link it,
// as text in the QR alphanumeric character set (digits, upper-case letters, '-' and ':'), so the code
// stays small.
//
//   PARLEY-LINK:1:<server ref>:<noise key>:<identity key>:<noise key signature>:<link secret>:
//   <registration id>:<expires at ms>
//
// Byte fields in upper-case hex; numbers in decimal without leading zeros. One offer has exactly
// one text, so a scanned text is also its own replay key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_array.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"

namespace parley::protocol::devices {

inline constexpr std::string_view kLinkOfferPrefix = "PARLEY-LINK:1:";
inline constexpr std::size_t kMaxServerRefSize = 32;
inline constexpr std::size_t kLinkSecretSize = 32;
// A QR code is shown for at most a minute, as WhatsApp's first code is.
inline constexpr std::uint64_t kLinkOfferLifetimeMs = 60'000;
// The longest valid text: the parser refuses anything longer before looking at it.
inline constexpr std::size_t kMaxLinkOfferText = 512;

struct LinkOffer {
  core::Bytes server_ref;                 // 1..32 bytes the server gave the companion, opaque
  crypto::X25519PublicKey noise_key{};    // the companion's Noise static key
  crypto::X25519PublicKey identity_key{};
  crypto::Signature noise_key_signature{};  // XEdDSA by the identity key over the Noise key (§7.2)
  core::SecretArray<kLinkSecretSize> link_secret;  // MACs the primary's approval (§8.2)
  std::uint32_t registration_id = 0;
  std::uint64_t expires_at_ms = 0;
};

std::string encode_link_offer(const LinkOffer& offer);

// `malformed` for anything but the exact layout (`unsupported_version` for another version),
// `bad_key` for a bad identity key, `bad_signature` when the identity key did not sign the Noise
// key: a scanned code proves its companion holds that identity key. Freshness is the linker's
// business (it knows the time).
core::Result<LinkOffer> parse_link_offer(std::string_view text);

}  // namespace parley::protocol::devices
