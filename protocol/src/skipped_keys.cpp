#include <algorithm>
#include <cstdint>
#include <iterator>

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
  if (entries.empty()) return;
  for (auto& e : entries) {
    const std::uint64_t seq = next_sequence_++;
    auto [it, inserted] = by_id_.emplace(e.id, Stored{e.seed, seq});
    if (!inserted) continue;  // cannot happen for fresh counters; keep the first
    by_age_.emplace(seq, e.id);
  }
  // The bound is per receiver chain, as libsignal's: a chain's entries are contiguous in by_id_
  // (ordered by ratchet key, then counter), and its oldest are its lowest counters. One insert only
  // ever adds to one chain.
  const X25519PublicKey& chain = entries.front().id.first;
  const auto first = by_id_.lower_bound(Id{chain, 0});
  const auto last = by_id_.upper_bound(Id{chain, UINT32_MAX});
  auto excess = std::distance(first, last) - static_cast<std::ptrdiff_t>(kMaxSkippedMessageKeys);
  for (auto it = first; excess > 0; --excess) {
    by_age_.erase(it->second.sequence);
    it = by_id_.erase(it);
  }
}

std::vector<SkippedKeys::Entry> SkippedKeys::entries_in_order() const {
  std::vector<Entry> out;
  out.reserve(by_age_.size());
  for (const auto& aged : by_age_) out.push_back({aged.second, by_id_.at(aged.second).seed});
  return out;
}

bool operator==(const SkippedKeys& a, const SkippedKeys& b) {
  if (a.by_age_.size() != b.by_age_.size()) return false;
  return std::equal(a.by_age_.begin(), a.by_age_.end(), b.by_age_.begin(), [&](const auto& x, const auto& y) {
    return x.second == y.second && a.by_id_.at(x.second).seed == b.by_id_.at(y.second).seed;
  });
}

}  // namespace parley::protocol
