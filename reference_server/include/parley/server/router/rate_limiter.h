// Token buckets by key (spec §7.4): a device, a destination account, a requester's target, an
// address. A bucket that has refilled completely is the same as no bucket, so a limiter keeps at
// most `max_keys` buckets: past that it forgets the full ones, and a key it would still have to
// remember when every bucket is busy is refused (the limiter's memory is bounded whatever the keys).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>

#include "parley/server/router/token_bucket.h"

namespace parley::server {

template <typename Key>
class RateLimiter {
 public:
  using Clock = TokenBucket::Clock;
  RateLimiter(double rate, double burst, std::size_t max_keys = 100'000) : rate_(rate), burst_(burst), max_keys_(max_keys) {}

  // Takes a token for `key`, or says how long until one is available.
  bool take(const Key& key, Clock::time_point now, std::uint64_t& retry_after_ms) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      if (buckets_.size() >= max_keys_) prune(now);
      if (buckets_.size() >= max_keys_) {
        retry_after_ms = static_cast<std::uint64_t>(1000 / rate_) + 1;
        return false;
      }
      it = buckets_.emplace(key, TokenBucket(rate_, burst_)).first;
    }
    return it->second.take(now, retry_after_ms);
  }
  std::size_t size() const { return buckets_.size(); }

 private:
  void prune(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) it = it->second.full(now) ? buckets_.erase(it) : std::next(it);
  }

  double rate_;
  double burst_;
  std::size_t max_keys_;
  std::map<Key, TokenBucket> buckets_;
};

}  // namespace parley::server
