// Noise's fixed sizes and bounds (rev 34 §3, §5.1, §12), spec §6.4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace parley::transport::noise {

// Every Noise message, handshake or transport, tag included: the spec's bound, so that a 16-bit
// length prefix always suffices.
inline constexpr std::size_t kMaxMessageLength = 65535;
inline constexpr std::size_t kTagLength = 16;
// The largest transport plaintext that still fits one message.
inline constexpr std::size_t kMaxPlaintextLength = kMaxMessageLength - kTagLength;
inline constexpr std::size_t kCipherKeyLength = 32;
inline constexpr std::size_t kDhLength = 32;  // 25519 only
// Reserved: only Rekey may use it, so a CipherState whose n reaches it is spent.
inline constexpr std::uint64_t kMaxNonce = std::numeric_limits<std::uint64_t>::max();
// A protocol name longer than this cannot be a Noise name (§8).
inline constexpr std::size_t kMaxProtocolNameLength = 255;

}  // namespace parley::transport::noise
