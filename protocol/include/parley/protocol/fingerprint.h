// Safety numbers (spec §8.7), as libsignal computes them (version 0 of its numeric fingerprint):
// for each side, h = SHA-512(0x00 0x00 || identity key (33) || stable id || identity key), then
// `iterations` - 1 more times h = SHA-512(h || identity key); the side's 30 digits are six groups of
// five, each the big-endian 40-bit number in h[5i..5i+5) modulo 100,000; the safety number is the
// smaller 30 digits first, then the larger, so that both people see the same 60 digits.
//
// Parley's accounts have several devices: a safety number is computed over the account key (the
// primary's identity key, which signs the device lists) and the account id in decimal as the
// stable id. Companions are vouched for by the account key, so linking or removing one does not
// change the number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parley/core/bytes.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"

namespace parley::protocol {

inline constexpr std::uint32_t kFingerprintIterations = 5200;

struct FingerprintSide {
  std::string_view stable_id;  // its UTF-8 bytes are hashed
  crypto::X25519PublicKey identity_key{};
};

// The iterated hash of one side (the scannable form uses its first 32 bytes).
crypto::Sha512Digest fingerprint_hash(const FingerprintSide& side, std::uint32_t iterations = kFingerprintIterations);

// The 60-digit safety number, the same for both sides.
std::string safety_number(const FingerprintSide& local, const FingerprintSide& remote,
                          std::uint32_t iterations = kFingerprintIterations);

// Parley's stable id for an account: its id in decimal.
std::string account_stable_id(std::uint64_t account);

}  // namespace parley::protocol
