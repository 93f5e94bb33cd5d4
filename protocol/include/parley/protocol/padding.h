// Parley's plaintext padding (spec §5.9): WhatsApp's, 1 to 16 bytes each holding the pad length,
// so that message lengths reveal less. Applied by the sender before the session encrypts and
// removed after it decrypts; the libsignal transcripts' legacy padding is a different thing.
#pragma once

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"

namespace parley::protocol {

inline constexpr std::size_t kMaxPadding = 16;

// Appends n bytes of value n, n uniform in 1..16 (from one byte of entropy).
core::Result<core::Bytes> pad_plaintext(core::BytesView plaintext, crypto::Entropy& entropy);

// An empty input, a last byte of 0 or above 16, or pad bytes that disagree: `malformed`.
core::Result<core::Bytes> unpad_plaintext(core::BytesView padded);

}  // namespace parley::protocol
