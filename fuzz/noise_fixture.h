// The Noise parties of the cacophony vectors (tests/data/external/noise-cacophony.json; noise-c's
// fallback vector uses the same responder keys): the keys both Noise fuzz targets build their
// handshakes from, so that the vectors' real messages are valid seeds.
#pragma once

#include <string_view>

#include "parley/core/hex.h"
#include "parley/crypto/x25519.h"

namespace parley::fuzz::noise_keys {

inline core::Bytes hex(std::string_view s) { return core::from_hex(s).value(); }

inline constexpr std::string_view kInitiatorStatic =
    "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
inline constexpr std::string_view kInitiatorEphemeral =
    "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
inline constexpr std::string_view kResponderStatic =
    "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
inline constexpr std::string_view kResponderEphemeral =
    "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
inline constexpr std::string_view kPrologue = "4a6f686e2047616c74";  // "John Galt"
// The responder's handshake payload in both vector sets ("Murray Rothbard").
inline constexpr std::string_view kResponderPayload = "4d757272617920526f746862617264";

inline crypto::X25519KeyPair key_pair(std::string_view private_hex) {
  return crypto::x25519_key_pair_from_private(hex(private_hex)).value();
}

}  // namespace parley::fuzz::noise_keys
