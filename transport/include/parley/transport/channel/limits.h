// The Parley channel's constants and bounds (spec §6.8): what a client writes first, how records
// are delimited, and when each direction rekeys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "parley/transport/noise/limits.h"

namespace parley::transport::channel {

// The connection header: the client's first four bytes, "PRL" and the channel version. It is also
// the prologue of every handshake on the connection, so a header changed in flight breaks the
// handshake instead of silently downgrading it.
inline constexpr std::array<std::uint8_t, 3> kMagic = {0x50, 0x52, 0x4c};  // "PRL"
inline constexpr std::uint8_t kChannelVersion = 1;
inline constexpr std::size_t kHeaderSize = kMagic.size() + 1;

// Record headers: a handshake record is kind (1) || length (2, big-endian); a transport record is
// the length alone. Noise's own bound on a message makes 16 bits enough.
inline constexpr std::size_t kHandshakeRecordHeaderSize = 3;
inline constexpr std::size_t kTransportRecordHeaderSize = 2;
inline constexpr std::size_t kMaxRecordLength = noise::kMaxMessageLength;

// Each direction rekeys (Noise §11.3) after this many transport messages: often enough that a key
// compromised from memory exposes at most this much traffic of a long-lived connection, rarely
// enough that the cost (one AEAD block) is invisible. A connection carries far fewer messages than
// the 2^64 nonces, so rekeying is for forward secrecy, never for nonce exhaustion.
inline constexpr std::uint64_t kRekeyInterval = 1u << 16;

// The frames the channel carries (spec §6.9), as far as the channel needs to know them: their
// protocol version, which the handshake payloads announce, and their largest size, which bounds
// what a reassembly may buffer. The frame codec (wire/frames) has the same two numbers; the client
// and the server, which see both, check at compile time that they agree (wire/channel_agreement.h).
inline constexpr std::uint16_t kFrameProtocolVersion = 1;
inline constexpr std::size_t kMaxFrameSize = 1024 * 1024 + 64 * 1024;

}  // namespace parley::transport::channel
