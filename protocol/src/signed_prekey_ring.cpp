#include "parley/protocol/signed_prekey_ring.h"

namespace parley::protocol {

bool rotation_due(const SignedPreKeyRing& ring, std::uint64_t now_ms) {
  return now_ms >= ring.current_since_ms && now_ms - ring.current_since_ms >= kSignedPreKeyRotationIntervalMs;
}

core::Result<void> rotate(SignedPreKeyRing& ring, SignedPreKey next, std::uint64_t now_ms) {
  if (next.id == ring.current.id || (ring.previous && next.id == ring.previous->id))
    return core::make_error(core::Errc::malformed, "a rotated signed prekey needs a new id");
  ring.previous = std::move(ring.current);
  ring.previous_retired_ms = now_ms;
  ring.current = std::move(next);
  ring.current_since_ms = now_ms;
  return {};
}

const SignedPreKey* find_signed_prekey(const SignedPreKeyRing& ring, SignedPreKeyId id, std::uint64_t now_ms) {
  if (ring.current.id == id) return &ring.current;
  if (ring.previous && ring.previous->id == id && now_ms <= ring.previous_retired_ms + kSignedPreKeyGracePeriodMs)
    return &*ring.previous;
  return nullptr;
}

}  // namespace parley::protocol
