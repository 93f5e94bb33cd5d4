#include "parley/protocol/signed_prekey_ring.h"

#include <algorithm>

namespace parley::protocol {

namespace {

bool in_grace(const RetiredSignedPreKey& r, std::uint64_t now_ms) { return now_ms <= r.retired_ms + kSignedPreKeyGracePeriodMs; }

}  // namespace

bool rotation_due(const SignedPreKeyRing& ring, std::uint64_t now_ms) {
  return now_ms >= ring.current_since_ms && now_ms - ring.current_since_ms >= kSignedPreKeyRotationIntervalMs;
}

core::Result<void> rotate(SignedPreKeyRing& ring, SignedPreKey next, std::uint64_t now_ms) {
  const bool held = next.id == ring.current.id || std::any_of(ring.retired.begin(), ring.retired.end(),
                                                              [&](const RetiredSignedPreKey& r) { return r.key.id == next.id; });
  if (held) return core::make_error(core::Errc::malformed, "a rotated signed prekey needs a new id");
  ring.retired.push_back({std::move(ring.current), now_ms});
  ring.current = std::move(next);
  ring.current_since_ms = now_ms;
  return {};
}

std::vector<SignedPreKeyId> expire(SignedPreKeyRing& ring, std::uint64_t now_ms) {
  std::vector<SignedPreKeyId> gone;
  std::erase_if(ring.retired, [&](const RetiredSignedPreKey& r) {
    if (in_grace(r, now_ms)) return false;
    gone.push_back(r.key.id);
    return true;
  });
  return gone;
}

const SignedPreKey* find_signed_prekey(const SignedPreKeyRing& ring, SignedPreKeyId id, std::uint64_t now_ms) {
  if (ring.current.id == id) return &ring.current;
  for (const auto& r : ring.retired)
    if (r.key.id == id && in_grace(r, now_ms)) return &r.key;
  return nullptr;
}

}  // namespace parley::protocol
