#include "parley/protocol/limits.h"
#include "parley/protocol/session_state.h"

namespace parley::protocol {

const Key32* SkippedKeys::find(const Id& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second.seed;
}

void SkippedKeys::erase(const Id& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_age_.erase(it->second.sequence);
  by_id_.erase(it);
}

void SkippedKeys::erase_chain(const X25519PublicKey& ratchet_key) {
  auto it = by_id_.lower_bound(Id{ratchet_key, 0});
  while (it != by_id_.end() && it->first.first == ratchet_key) {
    by_age_.erase(it->second.sequence);
    it = by_id_.erase(it);
  }
}

void SkippedKeys::insert(std::vector<Entry>&& entries) {
  for (auto& e : entries) {
    const std::uint64_t seq = next_sequence_++;
    auto [it, inserted] = by_id_.emplace(e.id, Stored{e.seed, seq});
    if (!inserted) continue;  // cannot happen for fresh counters; keep the first
    by_age_.emplace(seq, e.id);
  }
  while (by_id_.size() > kMaxSkippedMessageKeys) {
    auto oldest = by_age_.begin();
    by_id_.erase(oldest->second);
    by_age_.erase(oldest);
  }
}

}  // namespace parley::protocol
