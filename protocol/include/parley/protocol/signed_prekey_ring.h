// Signed-prekey rotation (spec §4.2): the current signed prekey, plus every key it replaced for that
// key's grace period, so that prekey messages sent to a replaced key (from a bundle fetched before the
// rotation, and queued on the server as long as the server keeps messages) still decrypt. Time is an
// input (milliseconds since the epoch), never read from a clock.
#pragma once

#include <cstdint>
#include <vector>

#include "parley/protocol/keys.h"

namespace parley::protocol {

// Signal-Android's values: rotate every 2 days, keep a replaced key 30 days. A prekey message can
// sit in a server queue for up to its 30-day expiry, so a shorter grace loses messages.
inline constexpr std::uint64_t kSignedPreKeyRotationIntervalMs = 2ull * 24 * 3600 * 1000;
inline constexpr std::uint64_t kSignedPreKeyGracePeriodMs = 30ull * 24 * 3600 * 1000;
// Keys a ring holds at most: the current one and those replaced within the grace period.
inline constexpr std::size_t kMaxSignedPreKeys = kSignedPreKeyGracePeriodMs / kSignedPreKeyRotationIntervalMs + 2;

struct RetiredSignedPreKey {
  SignedPreKey key;
  std::uint64_t retired_ms = 0;  // when it stopped being current
  friend bool operator==(const RetiredSignedPreKey&, const RetiredSignedPreKey&) = default;
};

struct SignedPreKeyRing {
  SignedPreKey current;
  std::uint64_t current_since_ms = 0;
  std::vector<RetiredSignedPreKey> retired;  // oldest first
  friend bool operator==(const SignedPreKeyRing&, const SignedPreKeyRing&) = default;
};

// True once the current key is older than the rotation interval.
bool rotation_due(const SignedPreKeyRing& ring, std::uint64_t now_ms);

// Makes `next` current; the current one is retired. `next` must carry an id the ring does not hold
// (`malformed` otherwise, and nothing changes).
core::Result<void> rotate(SignedPreKeyRing& ring, SignedPreKey next, std::uint64_t now_ms);

// Drops the retired keys whose grace period ended before `now_ms`; returns their ids (for the
// device's store to delete).
std::vector<SignedPreKeyId> expire(SignedPreKeyRing& ring, std::uint64_t now_ms);

// The key for `id` at time `now_ms`: the current one, or a retired one until its retired_ms +
// kSignedPreKeyGracePeriodMs (inclusive). Otherwise null.
const SignedPreKey* find_signed_prekey(const SignedPreKeyRing& ring, SignedPreKeyId id, std::uint64_t now_ms);

}  // namespace parley::protocol
