// The scannable safety number (spec §8.7): what one person's QR code shows and the other's camera
// compares, as libsignal's ScannableFingerprint does. Its bytes are libsignal's protobuf
//   CombinedFingerprints { uint32 version = 1; LogicalFingerprint local = 2; LogicalFingerprint remote = 3; }
//   LogicalFingerprint   { bytes content = 1; }
// with each content the first 32 bytes of that side's iterated hash (fingerprint.h). The layout is
// fixed, so it is written and read by hand (no protobuf dependency) and read strictly: exactly the
// 74 bytes the encoder writes, nothing else.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/fingerprint.h"

namespace parley::protocol {

// libsignal's scannable version 1: its fingerprint.rs vector for version 1 is reproduced byte for
// byte (protocol tests). Signal's version 2 only says its stable ids are service ids; the layout
// and the hash are the same, and a Parley QR code is for Parley clients, so the first version.
inline constexpr std::uint32_t kScannableFingerprintVersion = 1;
inline constexpr std::size_t kScannableContentSize = 32;
// 08 <version> 12 22 0a 20 <local 32> 1a 22 0a 20 <remote 32>, for a one-byte version.
inline constexpr std::size_t kScannableFingerprintSize = 2 + 2 * (4 + kScannableContentSize);

using ScannableContent = std::array<std::uint8_t, kScannableContentSize>;

struct ScannedFingerprint {
  std::uint32_t version = 0;
  ScannableContent local{};   // the side that showed the code
  ScannableContent remote{};  // the side it was shown to (the scanner, when nobody sits between)
};

// The bytes to show in a QR code.
core::Bytes scannable_fingerprint(const FingerprintSide& local, const FingerprintSide& remote,
                                  std::uint32_t iterations = kFingerprintIterations,
                                  std::uint32_t version = kScannableFingerprintVersion);

// Reads scanned bytes. The version is read first, so a well-formed version other than `version`
// is `unsupported_version` (libsignal's FingerprintVersionMismatch) whatever follows; anything
// else that is not exactly the encoder's layout (truncated, trailing bytes, other fields, other
// lengths, a non-minimal varint) is `malformed` (libsignal's FingerprintParsingError).
core::Result<ScannedFingerprint> parse_scannable(core::BytesView scanned,
                                                 std::uint32_t version = kScannableFingerprintVersion);

// The encoder's bytes for parsed content (parse_scannable's inverse).
core::Bytes encode_scannable(const ScannedFingerprint& fingerprint);

// Whether the peer's scanned code shows the same two keys as ours, crosswise (their local is our
// remote): true on a match, false for another key or stable id on either side, and parse_scannable's
// errors for bytes that are not a scannable fingerprint. The contents are compared in constant time.
core::Result<bool> compare_scannable(const FingerprintSide& local, const FingerprintSide& remote,
                                     core::BytesView scanned, std::uint32_t iterations = kFingerprintIterations,
                                     std::uint32_t version = kScannableFingerprintVersion);

}  // namespace parley::protocol
