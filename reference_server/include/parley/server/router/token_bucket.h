// A token bucket for the rate limits of spec §7.4: `rate` tokens a second, up to `burst` saved.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace parley::server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // No token was taken for so long that the bucket is full again: it is as good as new.
  bool full(Clock::time_point now) {
    refill(now);
    return tokens_ >= burst_;
  }

  // Takes a token, or says how long until one is available.
  bool take(Clock::time_point now, std::uint64_t& retry_after_ms) {
    refill(now);
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return true;
    }
    retry_after_ms = static_cast<std::uint64_t>((1 - tokens_) / rate_ * 1000) + 1;
    return false;
  }

 private:
  void refill(Clock::time_point now) {
    if (last_ != Clock::time_point{}) {
      const double seconds = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + seconds * rate_);
    }
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_{};
};

}  // namespace parley::server
