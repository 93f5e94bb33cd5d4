// Signed-prekey rotation (spec §4.2): the current signed prekey, plus the previous one kept for a
// grace period so that prekey messages sent to it before the rotation still decrypt. Time is an
// input (milliseconds since the epoch), never read from a clock.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/protocol/keys.h"

namespace parley::protocol {

// Signal-Android's values: rotate every 2 days, keep the replaced key 30 days. A prekey message can
// sit in a server queue for up to its 30-day expiry, so a shorter grace loses messages.
inline constexpr std::uint64_t kSignedPreKeyRotationIntervalMs = 2ull * 24 * 3600 * 1000;
inline constexpr std::uint64_t kSignedPreKeyGracePeriodMs = 30ull * 24 * 3600 * 1000;

struct SignedPreKeyRing {
  SignedPreKey current;
  std::uint64_t current_since_ms = 0;
  std::optional<SignedPreKey> previous;
  std::uint64_t previous_retired_ms = 0;  // when `previous` stopped being current
  friend bool operator==(const SignedPreKeyRing&, const SignedPreKeyRing&) = default;
};

// True once the current key is older than the rotation interval.
bool rotation_due(const SignedPreKeyRing& ring, std::uint64_t now_ms);

// Makes `next` current; the current becomes previous (an older previous is dropped).
// `next` must carry a new id: reusing the current or previous id is `malformed`.
core::Result<void> rotate(SignedPreKeyRing& ring, SignedPreKey next, std::uint64_t now_ms);

// The key for `id` at time `now_ms`: the current one, or the previous one until
// previous_retired_ms + kSignedPreKeyGracePeriodMs (inclusive). Otherwise null.
const SignedPreKey* find_signed_prekey(const SignedPreKeyRing& ring, SignedPreKeyId id, std::uint64_t now_ms);

}  // namespace parley::protocol
